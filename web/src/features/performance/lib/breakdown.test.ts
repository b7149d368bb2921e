import { describe, expect, it } from 'vitest';
import { lightPalette } from '../../../lib/palette';
import { breakdownBars, breakdownModel } from './breakdown';
import { samplePerformance } from './samplePerformance.test-data';

describe('breakdownBars', () => {
  it('ranks slices by error rate', () => {
    const bars = breakdownBars(samplePerformance().errors, 'model');
    expect(bars.map((b) => [b.name, b.value, b.errors, b.calls])).toEqual([
      ['claude', 0.02, 8, 400],
      ['gpt-4o', 0.00667, 4, 600],
    ]);
  });

  it('gives HTTP statuses their share of errors', () => {
    expect(breakdownBars(samplePerformance().errors, 'http_status')).toEqual([
      { name: '429', value: 0.9167, calls: null, errors: 11 },
      { name: '504', value: 0.0833, calls: null, errors: 1 },
    ]);
  });

  it('explains a range without errors', () => {
    const errors = samplePerformance().errors;
    errors.by_provider = errors.by_provider.map((s) => ({ ...s, errors: 0, rate: 0 }));
    expect(breakdownModel(errors, 'provider', lightPalette).kind).toBe('empty');
    expect(breakdownModel(samplePerformance().errors, 'endpoint', lightPalette)).toMatchObject({ kind: 'ready', points: 1 });
  });
});
