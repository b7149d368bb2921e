// "Live events" on the Executive Dashboard: the newest events matching the page's filters, new
// ones sliding in on top. A click opens the event's trace page, or its detail drawer.
import { AnimatePresence, motion } from 'motion/react';
import { useState } from 'react';
import { Card } from '../../../components/ui/Card';
import { navigate } from '../../../app/router';
import { formatDuration, formatUsd } from '../../../lib/format';
import { EventDrawer } from '../../events/components/EventDrawer';
import type { LiveEvent } from '../lib/messages';
import { toStoredEvent, type LiveStream } from '../lib/stream';

function time(ts: string): string {
  const date = new Date(ts);
  return Number.isNaN(date.getTime()) ? ts : date.toLocaleTimeString([], { hour12: false });
}

function Row({ event, onOpen }: { event: LiveEvent; onOpen: () => void }) {
  const error = event.status === 'error';
  return (
    <button
      type="button"
      onClick={onOpen}
      data-testid="live-event"
      title={event.trace_id ? `Open trace ${event.trace_id}` : 'Show every field'}
      className="grid w-full grid-cols-[4.5rem_1fr_auto] items-center gap-3 px-4 py-2 text-left text-sm hover:bg-surface sm:grid-cols-[4.5rem_1fr_8rem_5rem_5rem]"
    >
      <span className="tabular text-xs text-muted">{time(event.ts)}</span>
      <span className="min-w-0 truncate">
        <span className={`mr-2 inline-block h-2 w-2 rounded-full ${error ? 'bg-danger' : 'bg-success'}`} aria-hidden="true" />
        <span className="font-medium text-fg">{event.model ?? event.operation}</span>
        <span className="text-muted"> · {event.experiment ?? ''}</span>
      </span>
      <span className="hidden truncate text-xs text-muted sm:block">{event.user ?? '—'}</span>
      <span className="tabular text-right text-xs text-fg">{event.cost_usd === undefined ? '—' : formatUsd(event.cost_usd)}</span>
      <span className="tabular hidden text-right text-xs text-muted sm:block">
        {event.latency_ms === undefined ? '—' : formatDuration(event.latency_ms)}
      </span>
    </button>
  );
}

export function LiveEventsPanel({ stream }: { stream: LiveStream }) {
  const [open, setOpen] = useState<LiveEvent | null>(null);
  return (
    <Card data-testid="live-events" data-count={stream.items.length} className="overflow-hidden print:hidden">
      <header className="flex items-center gap-2 border-b border-border px-4 py-3">
        <span className="h-2 w-2 rounded-full bg-success" aria-hidden="true" />
        <h3 className="text-sm font-medium text-fg">Live events</h3>
        <span className="text-xs text-muted">newest matching the filters</span>
      </header>
      {stream.items.length === 0 ? (
        <p className="px-4 py-6 text-center text-sm text-muted">Waiting for events…</p>
      ) : (
        <ul className="max-h-80 divide-y divide-border overflow-y-auto">
          <AnimatePresence initial={false}>
            {stream.items.map((item) => (
              <motion.li
                key={item.key}
                layout="position"
                initial={{ opacity: 0, backgroundColor: 'rgba(99, 102, 241, 0.18)' }}
                animate={{ opacity: 1, backgroundColor: 'rgba(99, 102, 241, 0)' }}
                exit={{ opacity: 0 }}
                transition={{ duration: 0.6 }}
              >
                <Row
                  event={item.event}
                  onOpen={() => (item.event.trace_id ? navigate(`/traces/${encodeURIComponent(item.event.trace_id)}`) : setOpen(item.event))}
                />
              </motion.li>
            ))}
          </AnimatePresence>
        </ul>
      )}
      {open && <EventDrawer event={toStoredEvent(open)} onClose={() => setOpen(null)} />}
    </Card>
  );
}
