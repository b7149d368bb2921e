// The virtualised table of events: only the rows in view (plus a few) are in the DOM, so tens of
// thousands of loaded rows scroll smoothly; nearing the end asks for the next page.
import { useEffect, useRef, useState } from 'react';
import type { StoredEvent } from '../../../api/types';
import { formatCompact, formatDuration, formatUsd } from '../../../lib/format';
import { eventTitle, formatEventTime, rowKey, SORT_LABELS, totalTokens, type EventSort, type SortBy } from '../lib/search';
import { nearEnd, rowWindow } from '../lib/windowing';

const ROW_HEIGHT = 40;
const GRID = 'grid grid-cols-[9.5rem_1fr_4.25rem] sm:grid-cols-[11rem_minmax(8rem,1.4fr)_minmax(6rem,1fr)_5rem_5.5rem_5.5rem_4rem] items-center gap-2 px-3 sm:gap-3';

interface EventTableProps {
  events: StoredEvent[];
  sort: EventSort;
  onSort: (by: SortBy) => void;
  onOpen: (event: StoredEvent) => void;
  onNearEnd: () => void;
  loadingMore: boolean;
  complete: boolean;
}

function SortHeader({ by, sort, onSort, className = '' }: { by: SortBy; sort: EventSort; onSort: (by: SortBy) => void; className?: string }) {
  const active = sort.by === by;
  return (
    <button
      type="button"
      onClick={() => onSort(by)}
      aria-sort={active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}
      data-testid={`sort-${by}`}
      className={`text-left font-medium hover:text-fg ${active ? 'text-fg' : ''} ${className}`}
    >
      {SORT_LABELS[by]}
      {active ? (sort.dir === 'desc' ? ' ↓' : ' ↑') : ''}
    </button>
  );
}

export function EventTable({ events, sort, onSort, onOpen, onNearEnd, loadingMore, complete }: EventTableProps) {
  const viewport = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(600);

  useEffect(() => {
    const element = viewport.current;
    if (!element) return;
    const observer = new ResizeObserver(() => setHeight(element.clientHeight));
    observer.observe(element);
    setHeight(element.clientHeight);
    return () => observer.disconnect();
  }, []);

  // A short first page, or a tall screen: keep loading until the view is full or the end.
  useEffect(() => {
    if (nearEnd(scrollTop, height, ROW_HEIGHT, events.length)) onNearEnd();
  }, [scrollTop, height, events.length, onNearEnd]);

  const rows = rowWindow(scrollTop, height, ROW_HEIGHT, events.length);
  return (
    <div className="overflow-hidden rounded-xl border border-border bg-surface" data-testid="events-table" data-rows={events.length}>
      <div className={`${GRID} h-10 border-b border-border bg-background text-xs text-muted`} role="row">
        <SortHeader by="ts" sort={sort} onSort={onSort} />
        <span className="font-medium">Model / operation</span>
        <span className="hidden font-medium sm:block">User</span>
        <span className="hidden text-right font-medium sm:block">Tokens</span>
        <SortHeader by="cost" sort={sort} onSort={onSort} className="hidden text-right sm:block" />
        <SortHeader by="latency" sort={sort} onSort={onSort} className="text-right" />
        <span className="hidden font-medium sm:block">Status</span>
      </div>
      <div
        ref={viewport}
        onScroll={(event) => setScrollTop(event.currentTarget.scrollTop)}
        className="h-[65vh] min-h-80 overflow-y-auto"
        data-testid="events-scroll"
      >
        <div style={{ height: rows.totalHeight, position: 'relative' }}>
          <div style={{ transform: `translateY(${rows.offsetTop}px)` }}>
            {events.slice(rows.first, rows.end).map((event, offset) => {
              const index = rows.first + offset;
              const error = event.status === 'error';
              return (
                <button
                  type="button"
                  key={rowKey(event, index)}
                  onClick={() => onOpen(event)}
                  data-testid="event-row"
                  data-index={index}
                  style={{ height: ROW_HEIGHT }}
                  className={`${GRID} w-full border-b border-border/60 text-left text-sm hover:bg-background focus:bg-background focus:outline-none`}
                >
                  <span className="truncate font-mono text-xs text-muted">{formatEventTime(event.ts)}</span>
                  <span className="truncate text-fg">{eventTitle(event)}</span>
                  <span className="hidden truncate text-muted sm:block">{event.user ?? '—'}</span>
                  <span className="hidden text-right tabular-nums text-muted sm:block">{formatCompact(totalTokens(event))}</span>
                  <span className="hidden text-right tabular-nums sm:block">{event.cost_usd === undefined ? 'unpriced' : formatUsd(event.cost_usd)}</span>
                  <span className={`text-right tabular-nums ${error ? 'text-danger' : ''}`}>{formatDuration(event.latency_ms)}</span>
                  <span className={`hidden text-xs sm:block ${error ? 'font-medium text-danger' : 'text-success'}`}>{error ? 'error' : 'ok'}</span>
                </button>
              );
            })}
          </div>
        </div>
        <p className="px-3 py-3 text-center text-xs text-muted" data-testid="events-footer">
          {loadingMore ? 'Loading more…' : complete ? `All ${events.length.toLocaleString()} matching events` : ''}
        </p>
      </div>
    </div>
  );
}
