// One WebSocket to /api/analytics/live while `subscribe` is set: sends it on open and again
// whenever it changes (the server replaces the subscription), hands snapshots and updates to
// `onReport`, and reconnects with backoff and jitter when the socket drops. Publishes its state
// for the header's indicator.
import { useEffect, useRef } from 'react';
import { backoffDelay } from '../lib/backoff';
import { liveUrl, parseLiveMessage, type LiveReportMessage } from '../lib/messages';
import { admitReply, afterSubscribe } from '../lib/replyGate';
import { setLiveStatus } from '../lib/status';

export function useLiveSocket(subscribe: string | null, onReport: (message: LiveReportMessage) => void): void {
  const onReportRef = useRef(onReport);
  onReportRef.current = onReport;
  const subscribeRef = useRef(subscribe);
  const socketRef = useRef<WebSocket | null>(null);
  // Subscribes sent on this socket and not yet answered (lib/replyGate): until the newest is,
  // the snapshots and updates in flight are of older filters.
  const pending = useRef(0);
  const enabled = subscribe !== null;

  useEffect(() => {
    if (!enabled) {
      setLiveStatus({ kind: 'off' });
      return () => setLiveStatus({ kind: 'idle' });
    }
    let stopped = false;
    let attempt = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;

    const connect = () => {
      setLiveStatus({ kind: 'connecting' });
      const socket = new WebSocket(liveUrl(window.location));
      socketRef.current = socket;
      socket.onopen = () => {
        if (stopped) {
          socket.close(1000);
          return;
        }
        pending.current = 0;
        if (subscribeRef.current) {
          socket.send(subscribeRef.current);
          pending.current = afterSubscribe(0);
        }
      };
      socket.onmessage = (event: MessageEvent) => {
        if (stopped || typeof event.data !== 'string') return;
        const message = parseLiveMessage(event.data);
        if (message === null) return;
        const reply = admitReply(pending.current, message.type);
        pending.current = reply.pending;
        if (!reply.current) return;
        if (message.type === 'error') {
          setLiveStatus({ kind: 'error', reason: `${message.field}: ${message.reason}` });
          return;
        }
        attempt = 0;
        setLiveStatus({ kind: 'live' });
        onReportRef.current(message);
      };
      socket.onclose = () => {
        if (socketRef.current === socket) socketRef.current = null;
        if (stopped) return;
        const delay = backoffDelay(attempt++, Math.random());
        setLiveStatus({ kind: 'reconnecting', retryAt: Date.now() + delay });
        timer = setTimeout(connect, delay);
      };
    };
    connect();

    return () => {
      stopped = true;
      clearTimeout(timer);
      const socket = socketRef.current;
      socketRef.current = null;
      // Closing a socket still connecting makes the browser log an error: let onopen close it.
      if (socket && socket.readyState === WebSocket.OPEN) socket.close(1000);
      setLiveStatus({ kind: 'idle' });
    };
  }, [enabled]);

  useEffect(() => {
    subscribeRef.current = subscribe;
    const socket = socketRef.current;
    if (subscribe && socket && socket.readyState === WebSocket.OPEN) {
      socket.send(subscribe);
      pending.current = afterSubscribe(pending.current);
    }
  }, [subscribe]);
}
