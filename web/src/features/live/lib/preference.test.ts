import { describe, expect, it } from 'vitest';
import { liveEnabled, parsePreference, rangeEndsAtNow } from './preference';
import { statusLabel } from './status';

const NOW = Date.parse('2026-12-06T12:00:00Z');

describe('live preference', () => {
  it('is on unless the user turned it off', () => {
    expect(parsePreference(null)).toBe('on');
    expect(parsePreference('off')).toBe('off');
    expect(parsePreference('garbage')).toBe('on');
  });

  it('is live only for a range that ends now', () => {
    const preset = { kind: 'preset' as const, preset: '7d' as const };
    const past = { kind: 'custom' as const, from: '2026-11-01T00:00:00Z', to: '2026-11-02T00:00:00Z' };
    const open = { kind: 'custom' as const, from: '2026-11-01T00:00:00Z', to: '2026-12-07T00:00:00Z' };
    expect(rangeEndsAtNow(preset, NOW)).toBe(true);
    expect(rangeEndsAtNow(past, NOW)).toBe(false);
    expect(rangeEndsAtNow(open, NOW)).toBe(true);
    expect(rangeEndsAtNow({ ...past, to: 'now' }, NOW)).toBe(true);
    expect(liveEnabled('on', preset, NOW)).toBe(true);
    expect(liveEnabled('off', preset, NOW)).toBe(false);
    expect(liveEnabled('on', past, NOW)).toBe(false);
  });
});

describe('statusLabel', () => {
  it('counts the reconnect down in whole seconds', () => {
    expect(statusLabel({ kind: 'reconnecting', retryAt: NOW + 2100 }, NOW)).toBe('Reconnecting in 3s');
    expect(statusLabel({ kind: 'reconnecting', retryAt: NOW - 10 }, NOW)).toBe('Reconnecting in 0s');
    expect(statusLabel({ kind: 'connecting' }, NOW)).toBe('Connecting…');
    expect(statusLabel({ kind: 'off' }, NOW)).toBe('Live off');
  });
});
