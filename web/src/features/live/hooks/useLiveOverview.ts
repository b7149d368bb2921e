// Live on the Executive Dashboard: subscribes with the page's filters while live is on, folds
// each snapshot/update into the cached overview (cards and the trend's current bucket re-render
// without a reload) and keeps the "Live events" list.
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useMemo, useState } from 'react';
import type { Overview } from '../../../api/types';
import type { Filters } from '../../filters/lib/filters';
import { overviewQueryKey } from '../../overview/hooks/useOverview';
import { mergeLiveIntoOverview } from '../lib/mergeOverview';
import { subscribeMessage, type LiveReportMessage } from '../lib/messages';
import { liveEnabled } from '../lib/preference';
import { EMPTY_STREAM, streamReducer, type LiveStream } from '../lib/stream';
import { useLivePreference } from './useLivePreference';
import { useLiveSocket } from './useLiveSocket';

/** Events the panel lists (and asks the server for). */
export const LIVE_EVENTS = 20;

export function useLiveOverview(filters: Filters, active: boolean): { live: boolean; stream: LiveStream } {
  const queryClient = useQueryClient();
  const [preference] = useLivePreference();
  const live = active && liveEnabled(preference, filters.range, Date.now());
  const subscribe = useMemo(() => (live ? subscribeMessage(filters, LIVE_EVENTS) : null), [live, filters]);
  const [stream, setStream] = useState<LiveStream>(EMPTY_STREAM);

  const onReport = useCallback(
    (message: LiveReportMessage) => {
      const key = overviewQueryKey(filters);
      const cached = queryClient.getQueryData<Overview>(key);
      if (cached) {
        const merged = mergeLiveIntoOverview(cached, message);
        if (merged) queryClient.setQueryData(key, merged);
        else void queryClient.invalidateQueries({ queryKey: key });
      }
      setStream((current) => streamReducer(current, message, LIVE_EVENTS));
    },
    [filters, queryClient],
  );
  useLiveSocket(subscribe, onReport);
  return { live, stream: live ? stream : EMPTY_STREAM };
}
