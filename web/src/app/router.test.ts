import { describe, expect, it } from 'vitest';
import { matchPath } from './router';

describe('matchPath', () => {
  it('matches literal paths exactly, ignoring a trailing slash', () => {
    expect(matchPath('/', '/')).toEqual({});
    expect(matchPath('/cost', '/cost')).toEqual({});
    expect(matchPath('/cost', '/cost/')).toEqual({});
    expect(matchPath('/cost', '/costs')).toBeNull();
    expect(matchPath('/cost', '/')).toBeNull();
  });

  it('captures and decodes parameters', () => {
    expect(matchPath('/traces/:trace_id', '/traces/abc%2F1')).toEqual({ trace_id: 'abc/1' });
    expect(matchPath('/traces/:trace_id', '/traces')).toBeNull();
    expect(matchPath('/traces/:trace_id', '/traces/a/b')).toBeNull();
  });

  it('refuses a parameter that is not valid percent-encoding', () => {
    expect(matchPath('/traces/:trace_id', '/traces/%E0%A4%A')).toBeNull();
  });
});
