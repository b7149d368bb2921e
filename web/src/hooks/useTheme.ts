// Light/dark mode: a class on <html> (index.html sets it before first paint), saved in localStorage.
import { useSyncExternalStore } from 'react';
import { paletteFor, type Palette, type ThemeMode } from '../lib/palette';

export const THEME_STORAGE_KEY = 'mltrack-theme';

const listeners = new Set<() => void>();

function currentMode(): ThemeMode {
  return document.documentElement.classList.contains('dark') ? 'dark' : 'light';
}

export function setThemeMode(mode: ThemeMode): void {
  document.documentElement.classList.toggle('dark', mode === 'dark');
  try {
    localStorage.setItem(THEME_STORAGE_KEY, mode);
  } catch {
    // Private mode or storage disabled: the choice lasts for this page only.
  }
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useTheme(): { mode: ThemeMode; palette: Palette; toggle: () => void } {
  const mode = useSyncExternalStore(subscribe, currentMode, () => 'light' as ThemeMode);
  return { mode, palette: paletteFor(mode), toggle: () => setThemeMode(mode === 'dark' ? 'light' : 'dark') };
}
