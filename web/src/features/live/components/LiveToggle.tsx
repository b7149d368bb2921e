// The header's live switch and connection state: a pill that reads "Live", "Connecting…",
// "Reconnecting in Ns" or "Live off"; clicking it turns live pushes on or off (remembered).
import { useEffect, useState, useSyncExternalStore } from 'react';
import { useLivePreference } from '../hooks/useLivePreference';
import { getLiveStatus, statusLabel, subscribeLiveStatus, type LiveStatus } from '../lib/status';

const DOT: Record<LiveStatus['kind'], string> = {
  idle: 'bg-muted',
  off: 'bg-muted',
  connecting: 'bg-warning animate-pulse',
  live: 'bg-success',
  reconnecting: 'bg-warning',
  error: 'bg-danger',
};

function useNowWhile(ticking: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!ticking) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(timer);
  }, [ticking]);
  return now;
}

export function LiveToggle() {
  const [preference, setPreference] = useLivePreference();
  const status = useSyncExternalStore(subscribeLiveStatus, getLiveStatus, getLiveStatus);
  const now = useNowWhile(status.kind === 'reconnecting');
  const on = preference === 'on';
  const shown: LiveStatus = on ? status : { kind: 'off' };
  const title =
    shown.kind === 'error'
      ? `The server refused the live subscription (${shown.reason})`
      : shown.kind === 'idle'
        ? 'Live updates are on (the Executive Dashboard pushes new events as they arrive)'
        : shown.kind === 'off' && on
          ? 'Live updates need a time range that ends now'
          : on
            ? 'Turn live updates off'
            : 'Turn live updates on';
  return (
    <button
      type="button"
      role="switch"
      aria-checked={on}
      data-testid="live-toggle"
      data-state={shown.kind}
      onClick={() => setPreference(on ? 'off' : 'on')}
      title={title}
      className="flex h-9 shrink-0 items-center gap-2 rounded-lg border border-border px-2.5 text-xs font-medium text-muted transition hover:bg-surface hover:text-fg"
    >
      <span aria-hidden="true" className={`h-2 w-2 rounded-full ${DOT[shown.kind]}`} />
      {/* On a phone the dot tells a steady state; a reconnect or a refusal always shows its words. */}
      <span
        data-testid="live-status"
        className={`tabular whitespace-nowrap ${shown.kind === 'reconnecting' || shown.kind === 'error' ? '' : 'sr-only sm:not-sr-only'}`}
      >
        {statusLabel(shown, now)}
      </span>
    </button>
  );
}
