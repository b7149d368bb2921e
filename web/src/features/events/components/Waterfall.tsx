// A trace's or session's calls as a waterfall of plain CSS bars: one row per call, its bar placed
// by start and sized by latency on a shared time axis. Clicking a row opens the call's details.
import type { StoredEvent } from '../../../api/types';
import { formatDuration, formatInteger, formatUsd } from '../../../lib/format';
import type { Waterfall as WaterfallData } from '../lib/waterfall';

const TONE: Record<'model' | 'tool' | 'error', string> = {
  model: 'bg-primary',
  tool: 'bg-success',
  error: 'bg-danger',
};

export function Waterfall({ data, onOpen }: { data: WaterfallData; onOpen: (event: StoredEvent) => void }) {
  return (
    <div className="overflow-hidden rounded-xl border border-border bg-surface" data-testid="waterfall" data-bars={data.bars.length}>
      <div className="grid grid-cols-[8rem_1fr] gap-3 border-b border-border bg-background px-3 py-2 text-xs text-muted sm:grid-cols-[16rem_1fr_10rem]">
        <span className="font-medium">Call</span>
        <div className="relative h-4" aria-hidden="true">
          {data.ticks.map((tick, idx) => {
            // The first label starts at its tick; on a phone only the first and the last fit.
            const last = idx === data.ticks.length - 1 && idx > 0;
            const place = idx === 0 ? '' : last ? '-translate-x-full' : 'hidden -translate-x-1/2 sm:inline';
            return (
              <span key={tick} className={`absolute whitespace-nowrap ${place}`} style={{ left: `${(tick / data.spanMs) * 100}%` }}>
                {tick === 0 ? '0' : `+${formatDuration(tick)}`}
              </span>
            );
          })}
        </div>
        <span className="hidden text-right font-medium sm:block">Tokens · cost</span>
      </div>
      <ol>
        {data.bars.map((bar) => (
          <li key={bar.index}>
            <button
              type="button"
              onClick={() => onOpen(bar.event)}
              data-testid="waterfall-row"
              className="grid w-full grid-cols-[8rem_1fr] items-center gap-3 border-b border-border/60 px-3 py-1.5 text-left text-sm hover:bg-background sm:grid-cols-[16rem_1fr_10rem]"
            >
              <span className="min-w-0">
                <span className={`block truncate ${bar.tone === 'error' ? 'text-danger' : 'text-fg'}`}>{bar.label}</span>
                <span className="block truncate text-xs text-muted">
                  +{formatDuration(bar.startMs)} · {formatDuration(bar.durationMs)}
                  {bar.event.error_type ? ` · ${bar.event.error_type}` : ''}
                </span>
              </span>
              <span className="relative h-5 rounded bg-background">
                <span
                  className={`absolute top-1 h-3 rounded ${TONE[bar.tone]}`}
                  style={{ left: `${bar.leftPct}%`, width: `${Math.min(bar.widthPct, 100 - bar.leftPct)}%` }}
                  title={`${bar.label}: ${formatDuration(bar.durationMs)}`}
                />
              </span>
              <span className="hidden text-right text-xs tabular-nums text-muted sm:block">
                {formatInteger((bar.event.input_tokens ?? 0) + (bar.event.output_tokens ?? 0))} tok ·{' '}
                {bar.event.cost_usd === undefined ? 'unpriced' : formatUsd(bar.event.cost_usd)}
              </span>
            </button>
          </li>
        ))}
      </ol>
      <p className="flex flex-wrap gap-4 px-3 py-2 text-xs text-muted">
        <span><span className="mr-1 inline-block h-2 w-3 rounded bg-primary" />model call</span>
        <span><span className="mr-1 inline-block h-2 w-3 rounded bg-success" />tool call</span>
        <span><span className="mr-1 inline-block h-2 w-3 rounded bg-danger" />error</span>
      </p>
    </div>
  );
}
