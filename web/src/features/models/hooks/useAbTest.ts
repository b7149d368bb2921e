import { useQuery } from '@tanstack/react-query';
import { getAbComparison, postQuery } from '../../../api/client';
import { apiTimeRange, dashboardParams, queryFilters, type Filters } from '../../filters/lib/filters';
import { pickAbPair, dimensionValues } from '../lib/abCandidates';

export interface AbChoice {
  dimension: string;
  a: string;
  b: string;
  /** The period both sides ran (epoch ms); null = the filter bar's range. */
  from: number | null;
  to: number | null;
}

/** Values of the dimension per day over the filter bar's range: the A/B candidates. */
export function useAbCandidates(filters: Filters, dimension: string) {
  const range = apiTimeRange(filters.range);
  const spec = {
    ...range,
    filters: queryFilters(filters),
    group_by: [dimension],
    bucket: '1d',
    metrics: ['count'],
    limit: 100_000,
  };
  return useQuery({
    queryKey: ['ab-candidates', JSON.stringify(spec)],
    queryFn: async ({ signal }) => {
      const result = await postQuery(spec, signal);
      return { values: dimensionValues(result, dimension), pair: pickAbPair(result, dimension) };
    },
    staleTime: 60_000,
  });
}

export function abParams(filters: Filters, choice: AbChoice): URLSearchParams {
  const params = dashboardParams(filters);
  // The days both sides ran, where narrower than the filter bar's range.
  if (choice.from !== null) params.set('from', new Date(choice.from).toISOString());
  if (choice.to !== null) params.set('to', new Date(choice.to).toISOString());
  params.set('dimension', choice.dimension);
  params.set('a', choice.a);
  params.set('b', choice.b);
  return params;
}

export function useAbTest(filters: Filters, choice: AbChoice | null) {
  const params = choice ? abParams(filters, choice) : null;
  return useQuery({
    queryKey: ['ab', params?.toString() ?? ''],
    queryFn: ({ signal }) => getAbComparison(params!, signal),
    enabled: params !== null,
    retry: (count, error) => count < 2 && !(error instanceof Error && 'status' in error && (error as { status: number }).status === 400),
  });
}
