// The filter state lives in the URL: reading it subscribes to history changes (back/forward),
// writing it pushes a history entry so every filter change can be undone with Back.
import { useCallback, useMemo, useSyncExternalStore } from 'react';
import { pushUrl, subscribeLocation } from '../../../lib/location';
import { parseFilters, serializeFilters, type Filters } from '../lib/filters';

const getSearch = () => window.location.search;

export function useUrlFilters(): [Filters, (next: Filters) => void] {
  const search = useSyncExternalStore(subscribeLocation, getSearch, () => '');
  const filters = useMemo(() => parseFilters(search), [search]);
  const setFilters = useCallback((next: Filters) => {
    const query = serializeFilters(next);
    pushUrl(`${window.location.pathname}${query ? `?${query}` : ''}${window.location.hash}`);
  }, []);
  return [filters, setFilters];
}
