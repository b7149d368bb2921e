// The browser session (GET /api/v1/session, docs/security.md "Browser sign-in"): pure helpers.

import type { SessionState } from '../../../api/types';

/** Which screen the app shows: the dashboards, or the sign-in page. */
export type Gate = 'open' | 'signed-in' | 'sign-in';

export function gateFor(state: SessionState): Gate {
  if (!state.auth_required) return 'open';
  return state.signed_in ? 'signed-in' : 'sign-in';
}

const KEY_SHAPE = /^mlt_[0-9a-f]{12}_[0-9a-f]{64}$/;

/**
 * Checks a pasted key before it is sent: null when it looks like a key, else what is wrong.
 * Surrounding whitespace (a copied line) is allowed; the caller sends the trimmed key.
 */
export function keyProblem(input: string): string | null {
  const key = input.trim();
  if (key === '') return 'Paste an API key.';
  if (!key.startsWith('mlt_')) return 'An MLtrack key starts with mlt_.';
  if (!KEY_SHAPE.test(key)) return 'This key is incomplete or has extra characters: a key is mlt_, 12 hex digits, _ and 64 hex digits.';
  return null;
}

/** The message shown for a refused sign-in, by HTTP status. */
export function signInErrorMessage(status: number, serverMessage: string): string {
  if (status === 403) return 'This key cannot read dashboards: use a key with scope read or admin.';
  if (status === 401) return 'This key is unknown, revoked or mistyped.';
  if (status === 429) return 'Too many attempts with this key. Wait a minute and try again.';
  return serverMessage || `Sign-in failed (HTTP ${status}).`;
}
