// The live connection's state, shared between the page that holds the socket and the header's
// indicator: a tiny external store (read with useSyncExternalStore).

export type LiveStatus =
  | { kind: 'idle' } // no page on screen subscribes
  | { kind: 'off' } // the user or the range turned live off
  | { kind: 'connecting' }
  | { kind: 'live' }
  | { kind: 'reconnecting'; retryAt: number }
  | { kind: 'error'; reason: string }; // the server refused the subscription

let current: LiveStatus = { kind: 'idle' };
const listeners = new Set<() => void>();

export function getLiveStatus(): LiveStatus {
  return current;
}

export function setLiveStatus(next: LiveStatus): void {
  current = next;
  for (const listener of listeners) listener();
}

export function subscribeLiveStatus(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The indicator's words for a state at `nowMs`. */
export function statusLabel(status: LiveStatus, nowMs: number): string {
  switch (status.kind) {
    case 'idle':
      return 'Live';
    case 'off':
      return 'Live off';
    case 'connecting':
      return 'Connecting…';
    case 'live':
      return 'Live';
    case 'reconnecting': {
      const seconds = Math.max(0, Math.ceil((status.retryAt - nowMs) / 1000));
      return `Reconnecting in ${seconds}s`;
    }
    case 'error':
      return 'Live refused';
  }
}
