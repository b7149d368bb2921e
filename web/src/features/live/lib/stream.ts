// The "Live events" list: the snapshot's events, then each update's new ones on top, newest
// first and bounded; and a live event in the explorer's StoredEvent shape for its drawer.
import type { StoredEvent } from '../../../api/types';
import type { LiveEvent, LiveReportMessage } from './messages';

export interface StreamItem {
  /** Stable React key: the arrival order (events need not carry an id). */
  key: number;
  event: LiveEvent;
}

export interface LiveStream {
  items: StreamItem[];
  next: number;
}

export const EMPTY_STREAM: LiveStream = { items: [], next: 0 };

export function streamReducer(stream: LiveStream, message: LiveReportMessage, max: number): LiveStream {
  const base = message.type === 'snapshot' ? [] : stream.items;
  // Keys count down through the list so that the newest (first) item gets the largest key.
  const fresh = message.events.map((event, index) => ({ key: stream.next + message.events.length - index, event }));
  return { items: [...fresh, ...base].slice(0, max), next: stream.next + message.events.length + 1 };
}

export function toStoredEvent(event: LiveEvent): StoredEvent {
  const { ts, tags, operation, status, ...rest } = event;
  return {
    ...rest,
    ts: Date.parse(ts),
    time: ts,
    experiment: event.experiment ?? '',
    operation: operation as StoredEvent['operation'],
    status,
    scores: {},
    tags: tags ?? {},
  };
}
