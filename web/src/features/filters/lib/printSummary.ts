// The time range and filters of a page in words, for the header of a printed report.
import { DIMENSION_LABELS, DIMENSIONS, rangeLabel, type Filters } from './filters';

export function printSummary(filters: Filters): { range: string; filters: string } {
  const range = filters.range.kind === 'custom' ? `${filters.range.from} – ${filters.range.to}` : rangeLabel(filters.range);
  const parts: string[] = [];
  for (const dim of DIMENSIONS) {
    if (filters.dims[dim].length > 0) parts.push(`${DIMENSION_LABELS[dim]}: ${filters.dims[dim].join(', ')}`);
  }
  for (const tag of filters.tags) parts.push(`tags.${tag.key} = ${tag.value}`);
  return { range, filters: parts.length > 0 ? parts.join('; ') : 'no filters' };
}
