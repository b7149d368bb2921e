import { describe, expect, it } from 'vitest';
import { BACKOFF_BASE_MS, BACKOFF_CAP_MS, backoffDelay } from './backoff';

describe('backoffDelay', () => {
  it('doubles per attempt between half and all of base · 2^attempt', () => {
    expect(backoffDelay(0, 0)).toBe(BACKOFF_BASE_MS / 2);
    expect(backoffDelay(0, 0.999999)).toBe(BACKOFF_BASE_MS);
    expect(backoffDelay(1, 0)).toBe(BACKOFF_BASE_MS);
    expect(backoffDelay(3, 0.5)).toBe(Math.round(BACKOFF_BASE_MS * 8 * 0.75));
  });

  it('is capped, however many attempts failed', () => {
    expect(backoffDelay(10, 0.999999)).toBe(BACKOFF_CAP_MS);
    expect(backoffDelay(1000, 0)).toBe(BACKOFF_CAP_MS / 2);
  });

  it('spreads clients: different random draws give different delays within the bounds', () => {
    const delays = [0.1, 0.4, 0.7].map((r) => backoffDelay(4, r));
    expect(new Set(delays).size).toBe(3);
    for (const delay of delays) {
      expect(delay).toBeGreaterThanOrEqual(BACKOFF_BASE_MS * 8);
      expect(delay).toBeLessThanOrEqual(BACKOFF_BASE_MS * 16);
    }
  });

  it('treats a negative attempt as the first and clamps random into [0, 1]', () => {
    expect(backoffDelay(-3, 2)).toBe(BACKOFF_BASE_MS);
    expect(backoffDelay(0, -1)).toBe(BACKOFF_BASE_MS / 2);
  });
});
