// /traces/:trace_id and /sessions/:session_id: every call of one trace or session as a waterfall,
// with the totals (calls, errors, tokens, cost, duration, models) and each call's details.
import { useState } from 'react';
import { ApiError } from '../../../api/client';
import type { StoredEvent } from '../../../api/types';
import { Card } from '../../../components/ui/Card';
import { EmptyState } from '../../../components/ui/EmptyState';
import { ErrorState } from '../../../components/ui/ErrorState';
import { hrefKeepingFilters, linkClick } from '../../../app/router';
import { formatDuration, formatInteger, formatUsd } from '../../../lib/format';
import { useCallTimeline } from '../hooks/useCallTimeline';
import { prepareWaterfall } from '../lib/waterfall';
import { EventDrawer } from './EventDrawer';
import { Waterfall } from './Waterfall';

function Figure({ label, value }: { label: string; value: string }) {
  return (
    <Card className="px-4 py-3">
      <p className="text-xs text-muted">{label}</p>
      <p className="text-lg font-semibold tabular-nums text-fg">{value}</p>
    </Card>
  );
}

function TimelineView({ kind, id }: { kind: 'trace' | 'session'; id: string }) {
  const timeline = useCallTimeline(kind, id);
  const [open, setOpen] = useState<StoredEvent | null>(null);
  const title = kind === 'trace' ? 'Trace' : 'Session';

  let body;
  if (timeline.isError) {
    body =
      timeline.error instanceof ApiError && timeline.error.status === 404 ? (
        <Card>
          <EmptyState icon="search" title={`No calls with ${kind}_id “${id}”`} hint="The id may be mistyped, or its events are past the retention period." />
        </Card>
      ) : (
        <ErrorState
          title={`Could not load the ${kind}`}
          message={timeline.error instanceof Error ? timeline.error.message : String(timeline.error)}
          onRetry={() => void timeline.refetch()}
          retrying={timeline.isFetching}
        />
      );
  } else if (!timeline.data) {
    body = <div className="h-96 animate-pulse rounded-xl border border-border bg-surface" aria-busy="true" data-testid="timeline-loading" />;
  } else {
    const data = timeline.data;
    const totals = data.totals;
    body = (
      <div className="flex flex-col gap-4">
        <div className="grid grid-cols-2 gap-3 sm:grid-cols-5 [&>*:last-child]:col-span-2 sm:[&>*:last-child]:col-span-1" data-testid="timeline-totals">
          <Figure label="Calls" value={formatInteger(totals.calls)} />
          <Figure label="Errors" value={formatInteger(totals.errors)} />
          <Figure label="Tokens" value={formatInteger(totals.input_tokens + totals.output_tokens)} />
          <Figure label="Cost" value={formatUsd(totals.cost_usd)} />
          <Figure label="Duration" value={formatDuration(totals.duration_ms)} />
        </div>
        <p className="text-sm text-muted">
          {new Date(totals.start).toLocaleString()} · models: {totals.models.length ? totals.models.join(', ') : 'none'}
          {totals.unpriced > 0 && ` · ${totals.unpriced} call(s) without a price`}
          {data.truncated && ` · showing the first ${formatInteger(data.max_calls)} calls`}
        </p>
        <Waterfall data={prepareWaterfall(data)} onOpen={setOpen} />
      </div>
    );
  }

  return (
    <div className="flex flex-col gap-4">
      <div className="min-w-0">
        <a href={hrefKeepingFilters('/events')} onClick={linkClick('/events')} className="text-sm text-primary hover:underline">
          ← Events
        </a>
        <h1 className="truncate text-xl font-semibold tracking-tight text-fg">
          {title} <span className="font-mono text-base text-muted">{id}</span>
        </h1>
      </div>
      {body}
      {open && <EventDrawer event={open} onClose={() => setOpen(null)} />}
    </div>
  );
}

export function TracePage({ params }: { params: Record<string, string> }) {
  return <TimelineView kind="trace" id={params.trace_id ?? ''} />;
}

export function SessionPage({ params }: { params: Record<string, string> }) {
  return <TimelineView kind="session" id={params.session_id ?? ''} />;
}
