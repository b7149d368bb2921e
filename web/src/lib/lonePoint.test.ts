import { describe, expect, it } from 'vitest';
import { isLonePoint } from './lonePoint';

describe('isLonePoint', () => {
  it('is true for one value, alone or among gaps', () => {
    expect(isLonePoint([[1_700_000_000_000, 4.5]])).toBe(true);
    expect(isLonePoint([[1, null], [2, 0], [3, undefined]])).toBe(true);
    expect(isLonePoint([null, 7, null])).toBe(true);
  });

  it('is false for no value or for two or more', () => {
    expect(isLonePoint([])).toBe(false);
    expect(isLonePoint([[1, null], [2, null]])).toBe(false);
    expect(isLonePoint([[1, 1], [2, 2]])).toBe(false);
    expect(isLonePoint([1, null, 2])).toBe(false);
    expect(isLonePoint([Number.NaN])).toBe(false);
  });
});
