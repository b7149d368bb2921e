import { describe, expect, it } from 'vitest';
import { nearEnd, rowWindow } from './windowing';

describe('rowWindow', () => {
  it('renders the rows in view plus the overscan, and keeps the full height', () => {
    expect(rowWindow(0, 400, 40, 1000, 5)).toEqual({ first: 0, end: 15, offsetTop: 0, totalHeight: 40000 });
    expect(rowWindow(4000, 400, 40, 1000, 5)).toEqual({ first: 95, end: 115, offsetTop: 3800, totalHeight: 40000 });
  });

  it('clamps a scroll past the end and handles an empty list', () => {
    expect(rowWindow(1e9, 400, 40, 100, 0)).toEqual({ first: 90, end: 100, offsetTop: 3600, totalHeight: 4000 });
    expect(rowWindow(0, 400, 40, 0)).toEqual({ first: 0, end: 0, offsetTop: 0, totalHeight: 0 });
  });
});

describe('nearEnd', () => {
  it('is true within the threshold of the last row', () => {
    expect(nearEnd(0, 400, 40, 100, 20)).toBe(false);
    expect(nearEnd(2800, 400, 40, 100, 20)).toBe(true);
    expect(nearEnd(0, 400, 40, 5, 20)).toBe(true);
  });
});
