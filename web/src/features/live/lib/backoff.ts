// When to reconnect after the live socket dropped: exponential backoff with jitter, so clients
// that lost the same server do not all come back at the same instant.

export const BACKOFF_BASE_MS = 500;
export const BACKOFF_CAP_MS = 30_000;

/**
 * The wait before reconnect attempt `attempt` (0 = the first after a drop): base · 2^attempt,
 * capped, then "equal jitter" — half of it fixed, the other half scaled by `random` in [0, 1).
 */
export function backoffDelay(attempt: number, random: number, base = BACKOFF_BASE_MS, cap = BACKOFF_CAP_MS): number {
  const ceiling = Math.min(cap, base * 2 ** Math.max(0, Math.min(attempt, 30)));
  const jitter = Math.min(Math.max(random, 0), 1);
  return Math.round(ceiling / 2 + (ceiling / 2) * jitter);
}
