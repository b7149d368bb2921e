// The page's own URL state (leaderboard sort, funnel steps and window), next to the global
// filters; writing it keeps every other parameter and pushes a history entry.
import { useCallback, useMemo, useSyncExternalStore } from 'react';
import { pushUrl, subscribeLocation } from '../../../lib/location';
import { parseUsersView, withUsersView, type UsersView } from '../lib/params';

const getSearch = () => window.location.search;

export function useUsersView(): [UsersView, (next: UsersView) => void] {
  const search = useSyncExternalStore(subscribeLocation, getSearch, () => '');
  const view = useMemo(() => parseUsersView(search), [search]);
  const setView = useCallback((next: UsersView) => {
    const query = withUsersView(window.location.search, next);
    pushUrl(`${window.location.pathname}${query ? `?${query}` : ''}${window.location.hash}`);
  }, []);
  return [view, setView];
}
