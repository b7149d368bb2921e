import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { getHealth, getOverview } from '../../../api/client';
import { dashboardParams, type Filters } from '../../filters/lib/filters';

/** Refetch period of the executive dashboard; live push (features/live) updates the cards between. */
export const OVERVIEW_REFRESH_MS = 30_000;

export function overviewQueryKey(filters: Filters) {
  return ['overview', dashboardParams(filters).toString()] as const;
}

export function useOverview(filters: Filters) {
  const params = dashboardParams(filters);
  return useQuery({
    queryKey: overviewQueryKey(filters),
    queryFn: ({ signal }) => getOverview(params, signal),
    placeholderData: keepPreviousData,
    refetchInterval: OVERVIEW_REFRESH_MS,
  });
}

/** Store-wide health; tells an empty store (first run) from filters that match nothing. */
export function useHealth(enabled = true) {
  return useQuery({
    queryKey: ['health'],
    queryFn: ({ signal }) => getHealth(signal),
    enabled,
    staleTime: 10_000,
  });
}
