// Prepare layer of the latency histogram with p50/p90/p99 markers. The x axis is in "bin index"
// space: every bin is one unit wide, the labels show the bin bounds, and a percentile marker sits
// at its place inside its bin by linear interpolation. So bins of unequal width, and the server's
// last open bin (`hi: null`, everything above the p99), draw as well as equal ones.
import type { CustomSeriesOption } from 'echarts/charts';
import type { HistogramBin, LatencySummary } from '../../../api/types';
import { axisStyle, baseOption, tooltipRow, tooltipTitle, type ChartModel } from '../../../lib/chart';
import { formatCompact, formatDuration, formatRatio } from '../../../lib/format';
import type { Palette } from '../../../lib/palette';

/** Position of a latency on the bin-index axis; null when it is outside every bin. */
export function binPosition(bins: HistogramBin[], ms: number): number | null {
  if (bins.length === 0 || !Number.isFinite(ms)) return null;
  if (ms < bins[0]!.lo) return 0;
  for (const [idx, bin] of bins.entries()) {
    if (bin.hi === null) return ms >= bin.lo ? idx + 0.5 * Math.min(1, (ms - bin.lo) / Math.max(bin.lo, 1)) : null;
    if (ms >= bin.lo && ms <= bin.hi) {
      const width = bin.hi - bin.lo;
      return idx + (width > 0 ? (ms - bin.lo) / width : 0.5);
    }
  }
  return bins.length;
}

/** Label of an integer tick: the lower bound of the bin that starts there (or the last upper bound). */
export function tickLabel(bins: HistogramBin[], tick: number): string {
  if (!Number.isInteger(tick) || tick < 0 || tick > bins.length) return '';
  if (tick < bins.length) return formatDuration(bins[tick]!.lo);
  const last = bins[bins.length - 1]!;
  return last.hi === null ? '' : formatDuration(last.hi);
}

/** "250 ms – 500 ms", or "≥ 4.10 s" for the open bin. */
export function binLabel(bin: HistogramBin): string {
  return bin.hi === null ? `≥ ${formatDuration(bin.lo)}` : `${formatDuration(bin.lo)} – ${formatDuration(bin.hi)}`;
}

interface ItemParam {
  dataIndex?: number;
  componentType?: string;
  name?: string;
}

type RenderItem = NonNullable<CustomSeriesOption['renderItem']>;

export function latencyHistogramModel(latency: LatencySummary, palette: Palette): ChartModel {
  const bins = [...latency.histogram].sort((a, b) => a.lo - b.lo);
  const total = bins.reduce((n, b) => n + b.count, 0);
  if (bins.length === 0 || total === 0) {
    return {
      kind: 'empty',
      reason: 'No latencies recorded in this time range.',
      hint: 'Send latency_ms with each event (end-to-end duration in milliseconds).',
    };
  }

  const markers = (
    [
      ['p50', latency.p50, palette.success],
      ['p90', latency.p90, palette.warning],
      ['p99', latency.p99, palette.danger],
    ] as const
  )
    .map(([name, value, color]) => ({ name, value, color, x: value === null ? null : binPosition(bins, value) }))
    .filter((m): m is { name: 'p50' | 'p90' | 'p99'; value: number; color: string; x: number } => m.x !== null);

  const renderItem: RenderItem = (params, api) => {
    const idx = Number(api.value(0));
    const count = Number(api.value(2));
    const start = api.coord([idx, count]);
    const end = api.coord([idx + 1, 0]);
    const gap = 1;
    const x0 = start[0]! + gap;
    const width = Math.max(1, end[0]! - start[0]! - gap * 2);
    const coordSys = params.coordSys as unknown as { x: number; y: number; width: number; height: number };
    return {
      type: 'rect',
      shape: { x: x0, y: start[1]!, width, height: end[1]! - start[1]!, r: [3, 3, 0, 0] },
      style: { fill: palette.primary },
      emphasisDisabled: false,
      clipPath: { type: 'rect', shape: { x: coordSys.x, y: coordSys.y, width: coordSys.width, height: coordSys.height } },
    } as ReturnType<RenderItem>;
  };

  return {
    kind: 'ready',
    points: bins.length,
    option: {
      ...baseOption(palette),
      grid: { left: 8, right: 24, top: 36, bottom: 8, containLabel: true },
      tooltip: {
        ...baseOption(palette).tooltip,
        trigger: 'item',
        formatter: (raw: unknown) => {
          const param = raw as ItemParam;
          if (param.componentType === 'markLine') {
            const marker = markers.find((m) => m.name === param.name);
            return marker ? tooltipRow(marker.color, marker.name, formatDuration(marker.value)) : '';
          }
          const bin = bins[param.dataIndex ?? -1];
          if (!bin) return '';
          return (
            tooltipTitle(binLabel(bin)) +
            tooltipRow(palette.primary, 'Requests', formatCompact(bin.count)) +
            tooltipRow(palette.primary, 'Share', formatRatio(bin.count / total))
          );
        },
      },
      xAxis: {
        type: 'value',
        min: 0,
        max: bins.length,
        minInterval: 1,
        ...axisStyle(palette),
        splitLine: { show: false },
        axisLabel: { ...axisStyle(palette).axisLabel, formatter: (v: number) => tickLabel(bins, v), hideOverlap: true },
      },
      yAxis: {
        type: 'value',
        ...axisStyle(palette),
        // The top label would collide with the percentile labels above the plot.
        axisLabel: { ...axisStyle(palette).axisLabel, formatter: (v: number) => formatCompact(v), showMaxLabel: false },
      },
      series: [
        {
          name: 'Requests',
          type: 'custom',
          renderItem,
          encode: { x: [0, 1], y: 2 },
          data: bins.map((b, idx) => [idx, idx + 1, b.count]),
          markLine: {
            symbol: ['none', 'none'],
            silent: false,
            animation: true,
            data: markers.map((m) => ({
              name: m.name,
              xAxis: m.x,
              lineStyle: { color: m.color, width: 2, type: 'dashed' },
              label: {
                formatter: `${m.name} ${formatDuration(m.value)}`,
                color: m.color,
                position: 'end',
                fontSize: 11,
                fontWeight: 600,
              },
            })),
          },
        },
      ],
    },
  };
}
