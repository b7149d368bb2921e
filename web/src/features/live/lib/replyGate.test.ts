import { describe, expect, it } from 'vitest';
import { admitReply, afterSubscribe } from './replyGate';

describe('admitReply', () => {
  it('takes the snapshot of the only subscribe and the updates after it', () => {
    let pending = afterSubscribe(0);
    expect(admitReply(pending, 'update')).toEqual({ pending: 1, current: false });
    const snapshot = admitReply(pending, 'snapshot');
    expect(snapshot).toEqual({ pending: 0, current: true });
    pending = snapshot.pending;
    expect(admitReply(pending, 'update')).toEqual({ pending: 0, current: true });
  });

  it('drops the snapshot and updates of filters replaced before their snapshot came', () => {
    // The page loads (subscribe 1), the user drills down at once (subscribe 2): the snapshot of
    // the unfiltered subscribe arrives after the second subscribe was sent.
    let pending = afterSubscribe(afterSubscribe(0));
    let reply = admitReply(pending, 'snapshot');
    expect(reply).toEqual({ pending: 1, current: false });
    pending = reply.pending;
    expect(admitReply(pending, 'update').current).toBe(false);
    reply = admitReply(pending, 'snapshot');
    expect(reply).toEqual({ pending: 0, current: true });
    expect(admitReply(reply.pending, 'update').current).toBe(true);
  });

  it('counts an error as the answer to its subscribe', () => {
    const pending = afterSubscribe(afterSubscribe(0));
    const error = admitReply(pending, 'error');
    expect(error).toEqual({ pending: 1, current: false });
    expect(admitReply(error.pending, 'error')).toEqual({ pending: 0, current: true });
  });

  it('never counts below zero (a reply to a subscribe of an earlier socket)', () => {
    expect(admitReply(0, 'snapshot')).toEqual({ pending: 0, current: true });
  });
});
