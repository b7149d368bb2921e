import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { getUserActivity } from '../../../api/client';
import type { Filters } from '../../filters/lib/filters';
import { usersApiParams, type UsersView } from '../lib/params';

/** Refetch period of the page; live push will replace it. */
export const USERS_REFRESH_MS = 60_000;

/** `enabled` false waits (e.g. for the fields that decide the default funnel), so no request is wasted. */
export function useUserActivity(filters: Filters, view: UsersView, enabled = true) {
  const params = usersApiParams(filters, view);
  return useQuery({
    queryKey: ['users', params.toString()],
    queryFn: ({ signal }) => getUserActivity(params, signal),
    placeholderData: keepPreviousData,
    refetchInterval: USERS_REFRESH_MS,
    enabled,
  });
}
