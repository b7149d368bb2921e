import { describe, expect, it } from 'vitest';
import { parseFilters } from '../../filters/lib/filters';
import { parseUsersView, stepProblem, usersApiParams, withUsersView } from './params';

describe('the page URL state', () => {
  it('defaults and round-trips sort, steps and window, keeping other parameters', () => {
    expect(parseUsersView('')).toEqual({ sort: 'cost', steps: [], window: '1d' });
    const view = { sort: 'calls' as const, steps: ['tags.step:search', 'operation:chat'], window: '6h' };
    const search = withUsersView('range=7d&user=ann&sort=tokens', view);
    expect(search).toBe('range=7d&user=ann&sort=calls&steps=tags.step%3Asearch%2Coperation%3Achat&window=6h');
    expect(parseUsersView(search)).toEqual(view);
    expect(withUsersView(search, { sort: 'cost', steps: [], window: '1d' })).toBe('range=7d&user=ann');
  });

  it('ignores junk', () => {
    expect(parseUsersView('sort=price&window=soon&steps=,a:b,,')).toEqual({ sort: 'cost', steps: ['a:b'], window: '1d' });
  });
});

describe('funnel steps', () => {
  const dims = new Set(['operation', 'model', 'user']);
  it('accepts field:value with a known field, any tag, and enum values spelled right', () => {
    expect(stepProblem('tags.step:search', dims)).toBeNull();
    expect(stepProblem('model:gpt-4o:mini', dims)).toBeNull();
    expect(stepProblem('operation:embedding', dims)).toBeNull();
  });
  it('says what is wrong otherwise', () => {
    expect(stepProblem('search', dims)).toMatch(/field:value/);
    expect(stepProblem('model:', dims)).toMatch(/missing/);
    expect(stepProblem('modle:x', dims)).toMatch(/not a field/);
    expect(stepProblem('operation:search', dims)).toMatch(/one of chat/);
    expect(stepProblem('modle:x')).toBeNull(); // fields unknown yet: the server decides
  });
  it('sends steps and window only for a complete funnel', () => {
    const filters = parseFilters('range=7d');
    const none = usersApiParams(filters, { sort: 'errors', steps: ['tags.step:search'], window: '1d' });
    expect(none.get('steps')).toBeNull();
    expect(none.get('sort')).toBe('errors');
    const both = usersApiParams(filters, { sort: 'cost', steps: ['a:b', 'c:d'], window: '1h' });
    expect(both.get('steps')).toBe('a:b,c:d');
    expect(both.get('window')).toBe('1h');
    expect(both.get('from')).toBe('now-7d');
  });
});
