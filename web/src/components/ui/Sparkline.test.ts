import { describe, expect, it } from 'vitest';
import { sparklineSegments } from './Sparkline';

describe('sparklineSegments', () => {
  it('breaks the line at gaps instead of drawing zeros', () => {
    const segments = sparklineSegments([1, 2, null, 3, 3], 40, 12);
    expect(segments).toHaveLength(2);
    expect(segments[0]!.split(' ')).toHaveLength(2);
    expect(segments[1]!.split(' ')).toHaveLength(2);
  });
  it('draws nothing without numbers', () => {
    expect(sparklineSegments([null, null], 40, 12)).toEqual([]);
  });
});
