// The user's live on/off choice (localStorage), shared by the header toggle and the pages.
import { useCallback, useSyncExternalStore } from 'react';
import { LIVE_STORAGE_KEY, parsePreference, type LivePreference } from '../lib/preference';

const CHANGE_EVENT = 'mltrack:livepreference';

function read(): LivePreference {
  try {
    return parsePreference(window.localStorage.getItem(LIVE_STORAGE_KEY));
  } catch {
    return 'on';
  }
}

function subscribe(listener: () => void): () => void {
  window.addEventListener(CHANGE_EVENT, listener);
  window.addEventListener('storage', listener);
  return () => {
    window.removeEventListener(CHANGE_EVENT, listener);
    window.removeEventListener('storage', listener);
  };
}

export function useLivePreference(): [LivePreference, (next: LivePreference) => void] {
  const preference = useSyncExternalStore(subscribe, read, () => 'on' as const);
  const set = useCallback((next: LivePreference) => {
    try {
      if (next === 'off') window.localStorage.setItem(LIVE_STORAGE_KEY, 'off');
      else window.localStorage.removeItem(LIVE_STORAGE_KEY);
    } catch {
      // storage unavailable (private mode): the choice lasts for this page only
    }
    window.dispatchEvent(new Event(CHANGE_EVENT));
  }, []);
  return [preference, set];
}
