import { describe, expect, it } from 'vitest';
import { DEFAULT_FILTERS, emptyDims } from './filters';
import { printSummary } from './printSummary';

describe('printSummary', () => {
  it('says the preset range and that there are no filters', () => {
    expect(printSummary(DEFAULT_FILTERS)).toEqual({ range: 'Last 30 days', filters: 'no filters' });
  });

  it('lists a custom range, every dimension filter and every tag', () => {
    const filters = {
      range: { kind: 'custom' as const, from: '2026-01-01', to: '2026-01-08' },
      dims: { ...emptyDims(), model: ['gpt-4o', 'claude'], team: ['search'] },
      tags: [{ key: 'env', value: 'prod' }],
    };
    expect(printSummary(filters)).toEqual({
      range: '2026-01-01 – 2026-01-08',
      filters: 'Model: gpt-4o, claude; Team: search; tags.env = prod',
    });
  });
});
