// Which live messages answer the newest subscribe on a socket (docs/api.md "Live"). The server
// answers every subscribe with one snapshot (or one error) and then updates; a page that changes
// its filters sends a new subscribe on the same socket, so until the reply to that one arrives,
// snapshots and updates still in flight belong to older filters and must not be folded into the
// page's answer for the new ones. `pending` counts the subscribes not yet answered.

export type LiveReplyKind = 'snapshot' | 'update' | 'error';

/** `pending` after one more subscribe was sent. */
export function afterSubscribe(pending: number): number {
  return pending + 1;
}

/**
 * `pending` after a message of `kind`, and whether the message is of the newest subscribe: a
 * snapshot or error answers the oldest unanswered subscribe, so it is current only when none is
 * left unanswered after it; an update is current only when every subscribe has been answered.
 */
export function admitReply(pending: number, kind: LiveReplyKind): { pending: number; current: boolean } {
  if (kind === 'update') return { pending, current: pending === 0 };
  const left = Math.max(0, pending - 1);
  return { pending: left, current: left === 0 };
}
