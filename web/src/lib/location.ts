// The browser location as React state: one event that every URL change (a filter, a page link)
// dispatches, so hooks reading the path or the query string re-render, and Back/Forward too.
export const LOCATION_EVENT = 'mltrack:locationchange';

export function subscribeLocation(listener: () => void): () => void {
  window.addEventListener('popstate', listener);
  window.addEventListener(LOCATION_EVENT, listener);
  return () => {
    window.removeEventListener('popstate', listener);
    window.removeEventListener(LOCATION_EVENT, listener);
  };
}

/** Pushes `url` (path, query and hash) as a new history entry and tells subscribers. */
export function pushUrl(url: string): void {
  if (url === `${window.location.pathname}${window.location.search}${window.location.hash}`) return;
  window.history.pushState(null, '', url);
  window.dispatchEvent(new Event(LOCATION_EVENT));
}

/** Replaces the current history entry with `url` (typing in a search box) and tells subscribers. */
export function replaceUrl(url: string): void {
  if (url === `${window.location.pathname}${window.location.search}${window.location.hash}`) return;
  window.history.replaceState(null, '', url);
  window.dispatchEvent(new Event(LOCATION_EVENT));
}
