import { describe, expect, it } from 'vitest';
import { parseReportId } from './reportUrl';

describe('parseReportId', () => {
  it('reads positive integers only', () => {
    expect(parseReportId('12')).toBe(12);
    expect(parseReportId(undefined)).toBeNull();
    expect(parseReportId('')).toBeNull();
    expect(parseReportId('0')).toBeNull();
    expect(parseReportId('-3')).toBeNull();
    expect(parseReportId('1e3')).toBeNull();
  });
});
