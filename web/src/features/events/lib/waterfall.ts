// A trace's or session's calls as waterfall bars: where each starts and how long it runs, as
// shares of the whole span, with the label and tone of its row. Pure.
import type { CallTimeline, StoredEvent } from '../../../api/types';
import { eventTitle } from './search';

export interface WaterfallBar {
  index: number;
  label: string;
  /** ms from the first call's start. */
  startMs: number;
  durationMs: number | null;
  /** Left edge and width as percentages of the span (width at least 0.4% so a bar is visible). */
  leftPct: number;
  widthPct: number;
  tone: 'model' | 'tool' | 'error';
  event: StoredEvent;
}

export interface Waterfall {
  spanMs: number;
  bars: WaterfallBar[];
  /** Tick marks in ms from the start, at round steps. */
  ticks: number[];
}

const STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 30_000, 60_000, 300_000, 600_000, 1_800_000, 3_600_000];

export function tickStep(spanMs: number, maxTicks = 6): number {
  return STEPS.find((step) => spanMs / step <= maxTicks) ?? Math.ceil(spanMs / maxTicks / 3_600_000) * 3_600_000;
}

export function prepareWaterfall(timeline: CallTimeline): Waterfall {
  const start = timeline.totals.start;
  const spanMs = Math.max(1, timeline.totals.end - start);
  const bars = timeline.calls.map((event, index): WaterfallBar => {
    const startMs = event.ts - start;
    const durationMs = event.latency_ms ?? null;
    const tone = event.status === 'error' ? 'error' : event.operation === 'tool' ? 'tool' : 'model';
    return {
      index,
      label: eventTitle(event),
      startMs,
      durationMs,
      leftPct: Math.min(99.6, (startMs / spanMs) * 100),
      widthPct: Math.max(0.4, ((durationMs ?? 0) / spanMs) * 100),
      tone,
      event,
    };
  });
  const step = tickStep(spanMs);
  const ticks: number[] = [];
  for (let at = 0; at <= spanMs; at += step) ticks.push(at);
  return { spanMs, bars, ticks };
}
