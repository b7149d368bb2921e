// A small client-side router: the pages are a list (app/pages.tsx), a path pattern may hold
// `:name` parameters, and links keep the query string so the global filters follow the user
// from one dashboard to the next. The server answers every non-API path with index.html.
import { useSyncExternalStore } from 'react';
import { pushUrl, subscribeLocation } from '../lib/location';

const getPath = () => window.location.pathname;

export function useLocationPath(): string {
  return useSyncExternalStore(subscribeLocation, getPath, () => '/');
}

/** The parameters of `pattern` (e.g. "/traces/:trace_id") in `path`, or null when it does not match. */
export function matchPath(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split('/').filter(Boolean);
  const have = path.split('/').filter(Boolean);
  if (want.length !== have.length) return null;
  const params: Record<string, string> = {};
  for (const [idx, segment] of want.entries()) {
    const actual = have[idx] ?? '';
    if (segment.startsWith(':')) {
      try {
        params[segment.slice(1)] = decodeURIComponent(actual);
      } catch {
        return null;
      }
    } else if (segment !== actual) {
      return null;
    }
  }
  return params;
}

/** The href of `path` carrying the current query string (the global filters). */
export function hrefKeepingFilters(path: string): string {
  return `${path}${window.location.search}`;
}

/** Goes to `path` without reloading; `keepFilters` carries the query string along. */
export function navigate(path: string, keepFilters = true): void {
  pushUrl(keepFilters ? hrefKeepingFilters(path) : path);
  window.scrollTo({ top: 0 });
}

/** onClick for an <a href>: a plain left click navigates in-app, modified clicks open normally. */
export function linkClick(path: string, keepFilters = true) {
  return (event: { button: number; metaKey: boolean; ctrlKey: boolean; shiftKey: boolean; altKey: boolean; preventDefault: () => void }) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(path, keepFilters);
  };
}
