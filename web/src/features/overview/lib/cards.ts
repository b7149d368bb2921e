// Prepare layer of the metric cards: overview JSON → what each card shows, already formatted.
import type { CardFigure, Overview } from '../../../api/types';
import { fillGaps } from '../../../lib/chart';
import {
  changeTone,
  formatChange,
  formatCompact,
  formatDuration,
  formatPointsDelta,
  formatRatio,
  formatUsd,
  type Polarity,
  type Tone,
} from '../../../lib/format';

export interface ChangeView {
  text: string;
  tone: Tone;
  /** Tooltip: what the change compares against. */
  title: string;
}

export interface FigureView {
  /** Stable id for tests: `card-<id>-value`. */
  id: string;
  label?: string;
  value: string;
  raw: number | null;
  change: ChangeView;
}

export interface DetailView {
  label: string;
  value: string;
  tone?: Tone;
}

export interface IndicatorView {
  label: string;
  tone: Tone;
}

export interface TrendView {
  label: string;
  values: (number | null)[];
}

/** A position on a good → bad scale, 0 to 1, split into three equal zones. */
export interface MeterView {
  position: number;
  label: string;
}

export interface CardView {
  id: 'activity' | 'cost' | 'latency' | 'success' | 'users' | 'tokens';
  title: string;
  figures: FigureView[];
  details: DetailView[];
  indicator?: IndicatorView;
  /** A caveat that must stay visible, e.g. unpriced events. */
  warning?: string;
  /** Why the value is missing, when it is. */
  emptyReason?: string;
  trend?: TrendView;
  meter?: MeterView;
}

/** Requests per bucket; buckets without events are null (a gap in the sparkline). */
export function requestsTrend(overview: Overview): (number | null)[] {
  const points = fillGaps(overview.status_over_time, overview.range.bucket_ms, (t) => ({
    t,
    ok: null,
    error: null,
    error_rate: null,
  }));
  return points.map((p) => {
    const total = (p.ok ?? 0) + (p.error ?? 0);
    return total > 0 ? total : null;
  });
}

type Formatter = (value: number | null) => string;

function change(figure: CardFigure, polarity: Polarity, formatter: Formatter): ChangeView {
  const previous = figure.previous === null ? 'no data' : formatter(figure.previous);
  return {
    text: formatChange(figure.change_pct),
    tone: changeTone(figure.change_pct, polarity),
    title:
      figure.change_pct === null
        ? `No change to show: the previous period had ${previous === 'no data' ? 'no data' : previous}`
        : `Previous period: ${previous}`,
  };
}

function figure(id: string, data: CardFigure, polarity: Polarity, formatter: Formatter, label?: string): FigureView {
  return { id, label, value: formatter(data.value), raw: data.value, change: change(data, polarity, formatter) };
}

/** Average-latency thresholds of the performance indicator, in ms. */
export const LATENCY_FAST_MS = 1000;
export const LATENCY_SLOW_MS = 3000;

export function latencyIndicator(avgMs: number | null): IndicatorView | undefined {
  if (avgMs === null) return undefined;
  if (avgMs < LATENCY_FAST_MS) return { label: 'Fast', tone: 'good' };
  if (avgMs < LATENCY_SLOW_MS) return { label: 'Moderate', tone: 'neutral' };
  return { label: 'Slow', tone: 'bad' };
}

/** Average latency on the indicator's scale: fast zone up to 1 s, moderate to 3 s, slow to 10 s. */
export function latencyMeter(avgMs: number | null): MeterView | undefined {
  if (avgMs === null) return undefined;
  const zone = (value: number, lo: number, hi: number, base: number) => base + (Math.min(value, hi) - lo) / (hi - lo) / 3;
  const position =
    avgMs < LATENCY_FAST_MS
      ? zone(Math.max(0, avgMs), 0, LATENCY_FAST_MS, 0)
      : avgMs < LATENCY_SLOW_MS
        ? zone(avgMs, LATENCY_FAST_MS, LATENCY_SLOW_MS, 1 / 3)
        : zone(avgMs, LATENCY_SLOW_MS, 10_000, 2 / 3);
  return { position, label: `Fast < ${formatDuration(LATENCY_FAST_MS)} · slow ≥ ${formatDuration(LATENCY_SLOW_MS)}` };
}

export function cardViews(overview: Overview): CardView[] {
  const { cards } = overview;
  const cost = cards.cost_usd;
  const latency = cards.avg_latency_ms;
  const success = cards.success_rate;
  const tokens = cards.tokens;
  const unpriced = overview.unpriced_events;

  return [
    {
      id: 'activity',
      title: 'Experiments & Runs',
      figures: [
        figure('experiments', cards.experiments, 'up-good', formatCompact, 'experiments'),
        figure('runs', cards.runs, 'up-good', formatCompact, 'runs'),
      ],
      details: [{ label: 'Requests', value: formatCompact(overview.total_events) }],
      trend: { label: `Requests per ${overview.range.bucket}`, values: requestsTrend(overview) },
    },
    {
      id: 'cost',
      title: 'Total Cost',
      figures: [figure('cost', cost, 'up-bad', formatUsd)],
      details: [
        { label: 'Last 24h', value: formatUsd(cost.daily) },
        { label: 'Last 7d', value: formatUsd(cost.weekly) },
        { label: 'Last 30d', value: formatUsd(cost.monthly) },
      ],
      warning:
        unpriced > 0
          ? `${formatCompact(unpriced)} unpriced event${unpriced === 1 ? '' : 's'} (model not in the price catalogue; not counted in cost)`
          : undefined,
    },
    {
      id: 'latency',
      title: 'Average Latency',
      figures: [figure('latency', latency, 'up-bad', formatDuration)],
      details: [{ label: 'p95', value: formatDuration(latency.p95) }],
      indicator: latencyIndicator(latency.value),
      meter: latencyMeter(latency.value),
      emptyReason: latency.value === null ? 'No event in range reported latency_ms.' : undefined,
    },
    {
      id: 'success',
      title: 'Success Rate',
      figures: [figure('success', success, 'up-good', (v) => formatRatio(v))],
      details: [
        { label: 'Baseline', value: formatRatio(success.baseline) },
        {
          label: 'vs baseline',
          value: formatPointsDelta(success.value, success.baseline),
          tone:
            success.value === null || success.baseline === null
              ? 'neutral'
              : changeTone((success.value - success.baseline) * 100, 'up-good'),
        },
      ],
    },
    {
      id: 'users',
      title: 'Active Users',
      figures: [figure('users', cards.active_users, 'up-good', formatCompact)],
      details: [{ label: 'Previous period', value: formatCompact(cards.active_users.previous) }],
      emptyReason: cards.active_users.value === 0 ? 'No event in range names a user.' : undefined,
    },
    {
      id: 'tokens',
      title: 'Token Usage',
      figures: [figure('tokens', tokens, 'neutral', formatCompact)],
      details: [
        { label: 'Input', value: formatCompact(tokens.input) },
        { label: 'Output', value: formatCompact(tokens.output) },
        { label: 'Per 1K tokens', value: formatUsd(tokens.cost_per_1k_tokens) },
      ],
    },
  ];
}
