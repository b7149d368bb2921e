// The explorer's own URL state (search text and sort), beside the global filters.
import { useCallback, useMemo, useSyncExternalStore } from 'react';
import { replaceUrl, subscribeLocation } from '../../../lib/location';
import { parseExplorerParams, withExplorerParams, type EventSort } from '../lib/search';

const getSearch = () => window.location.search;

export function useExplorerParams(): [{ q: string; sort: EventSort }, (q: string, sort: EventSort) => void] {
  const search = useSyncExternalStore(subscribeLocation, getSearch, () => '');
  const params = useMemo(() => parseExplorerParams(search), [search]);
  const set = useCallback((q: string, sort: EventSort) => {
    const query = withExplorerParams(window.location.search, q, sort);
    replaceUrl(`${window.location.pathname}${query ? `?${query}` : ''}${window.location.hash}`);
  }, []);
  return [params, set];
}
