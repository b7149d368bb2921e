// Live on a dashboard (docs/api.md "Live", "In the web app"): while live is on for the page's
// filters, subscribes with them and folds each snapshot/update into the page's cached answer under
// `queryKey` with `merge` (a pure function of features/live/lib), so its cards and current bucket
// re-render without a reload; `merge` returning null refetches instead. Keeps the newest events
// for a "Live events" panel.
//
// The figures a push does not carry still come from the page's periodic refetch: every query
// update restarts TanStack Query's refetchInterval timer, so with pushes more often than the
// period that refetch would never run. A merge therefore keeps the cached answer's fetch time, and
// a push that finds the answer older than `refreshMs` also starts a refetch (without cancelling
// one already running: at 4 pushes a second a slow fetch would never finish).
import { useQueryClient, type QueryKey } from '@tanstack/react-query';
import { useCallback, useMemo, useState } from 'react';
import type { Filters } from '../../filters/lib/filters';
import { subscribeMessage, type LiveReportMessage } from '../lib/messages';
import { liveEnabled } from '../lib/preference';
import { EMPTY_STREAM, streamReducer, type LiveStream } from '../lib/stream';
import { useLivePreference } from './useLivePreference';
import { useLiveSocket } from './useLiveSocket';

/** Events a page lists (and asks the server for). */
export const LIVE_EVENTS = 20;
/** The pages' refetch period (OVERVIEW_REFRESH_MS, COST_REFRESH_MS, PERFORMANCE_REFRESH_MS). */
export const LIVE_REFRESH_MS = 30_000;

export function useLiveQuery<T>(
  filters: Filters,
  active: boolean,
  queryKey: QueryKey,
  merge: (cached: T, message: LiveReportMessage) => T | null,
  refreshMs = LIVE_REFRESH_MS,
): { live: boolean; stream: LiveStream } {
  const queryClient = useQueryClient();
  const [preference] = useLivePreference();
  const live = active && liveEnabled(preference, filters.range, Date.now());
  const subscribe = useMemo(() => (live ? subscribeMessage(filters, LIVE_EVENTS) : null), [live, filters]);
  const [stream, setStream] = useState<LiveStream>(EMPTY_STREAM);
  const keyText = JSON.stringify(queryKey);

  const onReport = useCallback(
    (message: LiveReportMessage) => {
      const key = JSON.parse(keyText) as QueryKey;
      const state = queryClient.getQueryState<T>(key);
      if (state?.data !== undefined) {
        const merged = merge(state.data, message);
        if (merged) queryClient.setQueryData(key, merged, { updatedAt: state.dataUpdatedAt });
        if (!merged || Date.now() - state.dataUpdatedAt >= refreshMs) {
          void queryClient.refetchQueries({ queryKey: key, exact: true }, { cancelRefetch: false });
        }
      }
      setStream((current) => streamReducer(current, message, LIVE_EVENTS));
    },
    [keyText, merge, queryClient, refreshMs],
  );
  useLiveSocket(subscribe, onReport);
  return { live, stream: live ? stream : EMPTY_STREAM };
}
