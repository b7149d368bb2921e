// Which saved report the page shows: /explore/ID or /explore?report=ID (the report's URL). Setting
// it goes to /explore?report=ID, keeping the filters and any other parameter.
import { useCallback, useSyncExternalStore } from 'react';
import { pushUrl, subscribeLocation } from '../../../lib/location';
import { parseReportId } from '../lib/reportUrl';

const getSearch = () => window.location.search;

export function useReportParam(pathId: string | undefined): [number | null, (id: number | null) => void] {
  const search = useSyncExternalStore(subscribeLocation, getSearch, () => '');
  const id = parseReportId(new URLSearchParams(search).get('report') ?? pathId);
  const setId = useCallback((next: number | null) => {
    const params = new URLSearchParams(window.location.search);
    if (next === null) params.delete('report');
    else params.set('report', String(next));
    const query = params.toString();
    pushUrl(`/explore${query ? `?${query}` : ''}`);
  }, []);
  return [id, setId];
}
