// Live on a dashboard (docs/api.md "Live", "In the web app"): while live is on for the page's
// filters, subscribes with them and folds each snapshot/update into the page's cached answer under
// `queryKey` with `merge` (a pure function of features/live/lib), so its cards and current bucket
// re-render without a reload; `merge` returning null refetches instead. Keeps the newest events
// for a "Live events" panel.
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

export function useLiveQuery<T>(
  filters: Filters,
  active: boolean,
  queryKey: QueryKey,
  merge: (cached: T, message: LiveReportMessage) => T | null,
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
      const cached = queryClient.getQueryData<T>(key);
      if (cached) {
        const merged = merge(cached, message);
        if (merged) queryClient.setQueryData(key, merged);
        else void queryClient.invalidateQueries({ queryKey: key });
      }
      setStream((current) => streamReducer(current, message, LIVE_EVENTS));
    },
    [keyText, merge, queryClient],
  );
  useLiveSocket(subscribe, onReport);
  return { live, stream: live ? stream : EMPTY_STREAM };
}
