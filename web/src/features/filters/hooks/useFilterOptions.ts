// Values for the filter dropdowns, from POST /api/v1/query grouped by the dimension. Fetched only
// while a dropdown is open, and cached per (dimension, other filters).
import { useQuery } from '@tanstack/react-query';
import { getFields, postQuery } from '../../../api/client';
import { optionsQuery, type Dimension, type Filters } from '../lib/filters';
import { optionsFromResult } from '../lib/options';

export function useFilterOptions(filters: Filters, field: Dimension | `tags.${string}`, enabled: boolean) {
  const spec = optionsQuery(filters, field);
  return useQuery({
    queryKey: ['filter-options', spec],
    queryFn: async ({ signal }) => optionsFromResult(await postQuery(spec, signal), field),
    enabled,
    staleTime: 60_000,
  });
}

export function useTagKeys(enabled: boolean) {
  return useQuery({
    queryKey: ['fields'],
    queryFn: ({ signal }) => getFields(signal),
    select: (fields) => [...fields.tag_keys].sort(),
    enabled,
    staleTime: 60_000,
  });
}
