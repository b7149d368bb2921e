import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { getInsights } from '../../../api/client';
import { dashboardParams, type Filters } from '../../filters/lib/filters';

/** Insights change slowly (they compare days): refetch every five minutes. */
export const INSIGHTS_REFRESH_MS = 300_000;

export function useInsights(filters: Filters) {
  const params = dashboardParams(filters);
  return useQuery({
    queryKey: ['insights', params.toString()],
    queryFn: ({ signal }) => getInsights(params, signal),
    placeholderData: keepPreviousData,
    refetchInterval: INSIGHTS_REFRESH_MS,
  });
}
