// Prepare layer of the headline cards: the range's latency, TTFT, errors and cache figures with
// their change against the previous period of equal length.
import type { CardFigure, Performance } from '../../../api/types';
import { changeTone, formatChange, formatCompact, formatDuration, formatRatio, type Polarity, type Tone } from '../../../lib/format';

export interface PerfFigureView {
  id: string;
  label?: string;
  value: string;
  change: { text: string; tone: Tone; title: string };
}

export interface PerfCardView {
  id: 'latency' | 'ttft' | 'errors' | 'cache';
  title: string;
  figures: PerfFigureView[];
  details: { label: string; value: string }[];
  emptyReason?: string;
}

function figure(id: string, card: CardFigure, text: (v: number | null) => string, polarity: Polarity, label?: string): PerfFigureView {
  return {
    id,
    label,
    value: text(card.value),
    change: {
      text: formatChange(card.change_pct),
      tone: changeTone(card.change_pct, polarity),
      title: `Previous period: ${text(card.previous)}`,
    },
  };
}

export function perfCardViews(data: Performance): PerfCardView[] {
  const { summary, ttft, errors, latency } = data;
  const topError = errors.by_error_type.find((type) => type.errors > 0);
  return [
    {
      id: 'latency',
      title: 'Latency',
      figures: [figure('latency-p50', summary.latency_p50_ms, formatDuration, 'up-bad', 'p50')],
      details: [
        { label: 'p90', value: formatDuration(latency.overall.p90) },
        { label: 'p95', value: formatDuration(summary.latency_p95_ms.value) },
        { label: 'p99', value: formatDuration(summary.latency_p99_ms.value) },
      ],
      emptyReason: summary.latency_p50_ms.value === null ? 'No latency_ms in this range.' : undefined,
    },
    {
      id: 'ttft',
      title: 'Time to first token',
      figures: [figure('ttft-p50', summary.ttft_p50_ms, formatDuration, 'up-bad', 'p50')],
      details: [
        { label: 'p90', value: formatDuration(ttft.overall.p90) },
        { label: 'p99', value: formatDuration(ttft.overall.p99) },
      ],
      emptyReason: summary.ttft_p50_ms.value === null ? 'No streamed calls with ttft_ms in this range.' : undefined,
    },
    {
      id: 'errors',
      title: 'Errors',
      figures: [figure('error-rate', summary.error_rate, (v) => formatRatio(v, 2), 'up-bad')],
      details: [
        { label: 'Errors', value: formatCompact(errors.errors) },
        { label: 'Calls', value: formatCompact(summary.calls.value) },
        { label: 'Top type', value: topError ? topError.error_type : '—' },
      ],
    },
    {
      id: 'cache',
      title: 'Cache hits',
      figures: [figure('cache-rate', summary.cache_hit_rate, (v) => formatRatio(v, 1), 'up-good')],
      details: [{ label: 'Previous', value: formatRatio(summary.cache_hit_rate.previous, 1) }],
    },
  ];
}
