// The filter state lives in the URL: reading it subscribes to history changes (back/forward),
// writing it pushes a history entry so every filter change can be undone with Back. A page's own
// parameters in the query string stay as they are.
import { useCallback, useMemo, useSyncExternalStore } from 'react';
import { pushUrl, subscribeLocation } from '../../../lib/location';
import { parseFilters, replaceFilters, type Filters } from '../lib/filters';

const getSearch = () => window.location.search;

export function useUrlFilters(): [Filters, (next: Filters) => void] {
  const search = useSyncExternalStore(subscribeLocation, getSearch, () => '');
  const filters = useMemo(() => parseFilters(search), [search]);
  const setFilters = useCallback((next: Filters) => {
    const query = replaceFilters(window.location.search, next);
    pushUrl(`${window.location.pathname}${query ? `?${query}` : ''}${window.location.hash}`);
  }, []);
  return [filters, setFilters];
}
