import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { searchEvents } from '../../../api/client';
import type { Filters } from '../../filters/lib/filters';
import { searchBody, type EventSort } from '../lib/search';

/** Pages of the search, loaded one after another by cursor (fetchNextPage). */
export function useEventSearch(filters: Filters, q: string, sort: EventSort) {
  const first = searchBody(filters, q, sort, null);
  return useInfiniteQuery({
    queryKey: ['events-search', JSON.stringify(first)],
    queryFn: ({ pageParam, signal }) => searchEvents(searchBody(filters, q, sort, pageParam), signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    placeholderData: keepPreviousData,
  });
}
