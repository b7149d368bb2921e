// Prepare layer of the model × metric comparison matrix: a heatmap whose colour is the server's
// 0..1 score per column (green = best model of the column, red = worst, direction-aware) and whose
// label is the raw value in its unit.
import type { MatrixColumn, Performance } from '../../../api/types';
import { axisStyle, baseOption, escapeHtml, tooltipRow, tooltipTitle, type ChartModel } from '../../../lib/chart';
import { formatCompact, formatDuration, formatRatio, formatUsd } from '../../../lib/format';
import type { Palette } from '../../../lib/palette';

/** Below this chart width the matrix uses short column names and smaller labels. */
export const NARROW_MATRIX_PX = 560;

const SHORT_LABELS: Record<string, string> = {
  latency_p50_ms: 'p50',
  latency_p95_ms: 'p95',
  ttft_p50_ms: 'TTFT',
  tokens_per_s: 'tok/s',
  error_rate: 'Errors',
  cost_per_1k_tokens: '$/1K',
};

/** A column's name in a narrow chart. */
export function shortLabel(column: MatrixColumn): string {
  return SHORT_LABELS[column.key] ?? column.label;
}

/** A raw matrix value in its column's unit. */
export function formatMatrixValue(column: MatrixColumn, value: number | null): string {
  if (value === null) return '—';
  switch (column.unit) {
    case 'ms':
      return formatDuration(value);
    case 'ratio':
      return formatRatio(value, 2);
    case 'usd':
      return formatUsd(value);
    case 'tokens/s':
      return `${formatCompact(Math.round(value))} tok/s`;
    default:
      return formatCompact(value);
  }
}

export function matrixModel(matrix: Performance['matrix'], palette: Palette): ChartModel {
  const { columns, rows } = matrix;
  if (rows.length === 0) {
    return { kind: 'empty', reason: 'No models to compare in this time range.', hint: 'Widen the time range or clear the filters.' };
  }
  // First (busiest) model at the top.
  const ordered = [...rows].reverse();
  const data = ordered.flatMap((row, y) =>
    row.cells.map((cell, x) => ({ value: [x, y, cell.score ?? '-'] as (number | string)[], raw: cell.value })),
  );
  return {
    kind: 'ready',
    points: data.filter((item) => item.value[2] !== '-').length,
    option: {
      ...baseOption(palette),
      grid: { left: 8, right: 8, top: 8, bottom: 8, containLabel: true },
      tooltip: {
        ...baseOption(palette).tooltip,
        trigger: 'item',
        formatter: (raw: unknown) => {
          const param = raw as { value?: (number | string)[] };
          const [x, y] = (param.value ?? []) as number[];
          const row = ordered[y ?? -1];
          const column = columns[x ?? -1];
          if (!row || !column) return '';
          const cell = row.cells[x!]!;
          return (
            tooltipTitle(`${row.model}${row.provider ? ` · ${row.provider}` : ''}`) +
            tooltipRow(palette.primary, column.label, formatMatrixValue(column, cell.value)) +
            tooltipRow(palette.neutral, 'Score', cell.score === null ? '—' : `${Math.round(cell.score * 100)} / 100`) +
            `<div style="color:${palette.textMuted};font-size:11px;margin-top:4px">${escapeHtml(
              `${column.better === 'lower' ? 'Lower' : 'Higher'} is better; 100 = best model of the column`,
            )}</div>`
          );
        },
      },
      visualMap: {
        show: false,
        min: 0,
        max: 1,
        dimension: 2,
        inRange: { color: [palette.danger, palette.warning, palette.success] },
      },
      xAxis: {
        type: 'category',
        data: columns.map((c) => c.label),
        position: 'top',
        ...axisStyle(palette),
        axisLine: { show: false },
        splitLine: { show: false },
        axisLabel: { ...axisStyle(palette).axisLabel, interval: 0, hideOverlap: false, width: 70, overflow: 'break' },
      },
      yAxis: {
        type: 'category',
        data: ordered.map((r) => r.model),
        ...axisStyle(palette),
        axisLine: { show: false },
        splitLine: { show: false },
        axisLabel: { ...axisStyle(palette).axisLabel, width: 120, overflow: 'truncate' },
      },
      series: [
        {
          name: 'Score',
          type: 'heatmap',
          data: data.map((item) => ({ value: item.value })),
          itemStyle: { borderColor: palette.background, borderWidth: 2, borderRadius: 4, opacity: 0.85 },
          label: {
            show: true,
            fontSize: 10,
            color: '#111827',
            formatter: (raw: unknown) => {
              const [x, y] = (raw as { value: number[] }).value;
              const cell = ordered[y!]?.cells[x!];
              return cell ? formatMatrixValue(columns[x!]!, cell.value) : '';
            },
          },
          emphasis: { itemStyle: { borderColor: palette.text, borderWidth: 1 } },
        },
      ],
      media: [
        {
          query: { maxWidth: NARROW_MATRIX_PX },
          option: {
            xAxis: { data: columns.map(shortLabel), axisLabel: { width: 44, fontSize: 10 } },
            yAxis: { axisLabel: { width: 78, fontSize: 10 } },
            series: [{ label: { fontSize: 8 }, itemStyle: { borderWidth: 1 } }],
          },
        },
      ],
    },
  };
}
