// The filter state lives in the URL: reading it subscribes to history changes (back/forward),
// writing it pushes a history entry so every filter change can be undone with Back.
import { useCallback, useMemo, useSyncExternalStore } from 'react';
import { parseFilters, serializeFilters, type Filters } from '../lib/filters';

const LOCATION_EVENT = 'mltrack:locationchange';

function subscribe(listener: () => void): () => void {
  window.addEventListener('popstate', listener);
  window.addEventListener(LOCATION_EVENT, listener);
  return () => {
    window.removeEventListener('popstate', listener);
    window.removeEventListener(LOCATION_EVENT, listener);
  };
}

const getSearch = () => window.location.search;

export function useUrlFilters(): [Filters, (next: Filters) => void] {
  const search = useSyncExternalStore(subscribe, getSearch, () => '');
  const filters = useMemo(() => parseFilters(search), [search]);
  const setFilters = useCallback((next: Filters) => {
    const query = serializeFilters(next);
    const url = `${window.location.pathname}${query ? `?${query}` : ''}${window.location.hash}`;
    if (url === `${window.location.pathname}${window.location.search}${window.location.hash}`) return;
    window.history.pushState(null, '', url);
    window.dispatchEvent(new Event(LOCATION_EVENT));
  }, []);
  return [filters, setFilters];
}
