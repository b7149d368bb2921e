// Prepare layer of the A/B interval chart (a forest plot): per metric, B's relative difference
// from A with its 95 % interval (percentage points for rates). Green when B is significantly
// better, red when significantly worse, grey otherwise; the zero line is "no difference".
import type { AbComparison, AbMetric } from '../../../api/types';
import { axisStyle, baseOption, tooltipRow, tooltipTitle, type ChartModel } from '../../../lib/chart';
import type { Palette } from '../../../lib/palette';
import { formatValue } from './metrics';
import { whiskerRenderItem } from './whiskers';

export interface ForestRow {
  label: string;
  metric: AbMetric;
  /** Percent change (means) or percentage points (rates). */
  change: number;
  lo: number;
  hi: number;
  unit: '%' | 'pp';
  tone: 'good' | 'bad' | 'neutral';
}

function pValueText(p: number | null): string {
  if (p === null) return '—';
  return p < 0.001 ? '< 0.001' : p.toFixed(3);
}

export function forestRows(comparison: AbComparison): ForestRow[] {
  const rows: ForestRow[] = [];
  for (const metric of comparison.metrics) {
    const rate = metric.metric.startsWith('rate:');
    const change = rate ? metric.diff : metric.rel_diff;
    const ci = rate ? metric.ci95 : metric.rel_ci95;
    if (change === null || ci === null) continue;
    const better = metric.better === 'neither' ? null : (change < 0) === (metric.better === 'lower');
    rows.push({
      label: metric.label,
      metric,
      change: change * 100,
      lo: ci[0] * 100,
      hi: ci[1] * 100,
      unit: rate ? 'pp' : '%',
      tone: !metric.significant || better === null ? 'neutral' : better ? 'good' : 'bad',
    });
  }
  return rows;
}

function signed(value: number, unit: string): string {
  const text = `${Math.abs(value) < 10 ? Math.abs(value).toFixed(1) : Math.abs(value).toFixed(0)}${unit === '%' ? '%' : ' pp'}`;
  return `${value > 0 ? '+' : value < 0 ? '−' : '±'}${text}`;
}

export function abForestModel(comparison: AbComparison, palette: Palette): ChartModel {
  const rows = forestRows(comparison);
  if (rows.length === 0) {
    return {
      kind: 'empty',
      reason: 'Not enough data on either side to test.',
      hint: 'Each side needs at least two calls with a value for a metric.',
    };
  }
  const color = (row: ForestRow) => (row.tone === 'good' ? palette.success : row.tone === 'bad' ? palette.danger : palette.neutral);
  const widest = Math.max(...rows.map((r) => Math.min(200, Math.max(Math.abs(r.lo), Math.abs(r.hi)))));
  // A round axis bound with ticks at its halves (±bound, ±bound/2, 0), none crowding the edge.
  const bound = [5, 10, 20, 30, 40, 50, 100, 200].find((b) => b >= widest) ?? 200;
  return {
    kind: 'ready',
    points: rows.length,
    option: {
      ...baseOption(palette),
      grid: { left: 8, right: 64, top: 8, bottom: 24, containLabel: true },
      tooltip: {
        ...baseOption(palette).tooltip,
        trigger: 'item',
        formatter: (raw: unknown) => {
          const row = rows[(raw as { dataIndex?: number }).dataIndex ?? -1];
          if (!row) return '';
          const c = color(row);
          const m = row.metric;
          const side = (s: AbMetric['a']) => ('rate' in s ? formatValue('ratio', s.rate) : formatValue(m.unit, s.mean));
          return (
            tooltipTitle(`${row.label}: ${comparison.b.value} vs ${comparison.a.value}`) +
            tooltipRow(c, comparison.a.value, `${side(m.a)} (n ${m.a.n.toLocaleString('en-US')})`) +
            tooltipRow(c, comparison.b.value, `${side(m.b)} (n ${m.b.n.toLocaleString('en-US')})`) +
            tooltipRow(c, 'Difference', `${signed(row.change, row.unit)} (95% CI ${signed(row.lo, row.unit)} to ${signed(row.hi, row.unit)})`) +
            tooltipRow(c, 'p (Holm-adjusted)', pValueText(m.p_adjusted)) +
            tooltipRow(c, 'Test', m.test.replace(/_/g, ' '))
          );
        },
      },
      xAxis: {
        type: 'value',
        min: -bound,
        max: bound,
        interval: bound / 2,
        ...axisStyle(palette),
        axisLabel: { ...axisStyle(palette).axisLabel, formatter: (v: number) => `${v > 0 ? '+' : ''}${Math.round(v)}` },
      },
      yAxis: {
        type: 'category',
        inverse: true,
        data: rows.map((r) => `${r.label} (${r.unit})`),
        ...axisStyle(palette),
        axisLabel: { ...axisStyle(palette).axisLabel, width: 130, overflow: 'truncate' },
      },
      series: [
        {
          name: 'Difference',
          type: 'scatter',
          symbolSize: 10,
          data: rows.map((row, idx) => ({ value: [row.change, idx], itemStyle: { color: color(row) } })),
          label: {
            show: true,
            position: 'right',
            distance: 8,
            fontSize: 11,
            color: palette.textMuted,
            formatter: (param: { dataIndex: number }) => {
              const row = rows[param.dataIndex];
              return row ? signed(row.change, row.unit) : '';
            },
          },
          markLine: {
            silent: true,
            symbol: ['none', 'none'],
            label: { show: false },
            lineStyle: { color: palette.border, type: 'solid', width: 1.5 },
            data: [{ xAxis: 0 }],
          },
        },
        {
          name: '95% CI',
          type: 'custom',
          silent: true,
          encode: { x: [1, 2], y: 0 },
          data: rows.map((row, idx) => [idx, Math.max(-bound, row.lo), Math.min(bound, row.hi)]),
          renderItem: whiskerRenderItem(palette.textMuted),
        },
      ],
    },
  };
}
