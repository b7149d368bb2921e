// Whether a page pushes live: on by default when its range ends at `now`; a user who turns it off
// is remembered (localStorage) until they turn it on again.
import type { TimeRange } from '../../filters/lib/filters';

export const LIVE_STORAGE_KEY = 'mltrack-live';
export type LivePreference = 'on' | 'off';

/** Presets end at now; a custom range does when its end is `now` or not yet past. */
export function rangeEndsAtNow(range: TimeRange, nowMs: number): boolean {
  if (range.kind === 'preset') return true;
  if (range.to === 'now') return true;
  const end = Date.parse(range.to);
  return Number.isFinite(end) && end >= nowMs;
}

export function liveEnabled(preference: LivePreference, range: TimeRange, nowMs: number): boolean {
  return preference === 'on' && rangeEndsAtNow(range, nowMs);
}

export function parsePreference(stored: string | null): LivePreference {
  return stored === 'off' ? 'off' : 'on';
}
