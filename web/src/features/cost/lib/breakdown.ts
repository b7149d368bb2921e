// Prepare layer of the breakdown bars, and the drill-down from a bar into the global filters.
import type { Breakdown, BreakdownRow } from '../../../api/types';
import { axisStyle, baseOption, tooltipRow, tooltipTitle, type ChartModel } from '../../../lib/chart';
import { formatChange, formatCompact, formatRatio, formatUsd } from '../../../lib/format';
import type { Palette } from '../../../lib/palette';
import { DIMENSIONS, type Dimension, type Filters } from '../../filters/lib/filters';

/** Labels of the breakdown dimensions the page offers; tag keys read as "tags.feature". */
export const BREAKDOWN_LABELS: Record<string, string> = {
  provider: 'Provider',
  model: 'Model',
  experiment: 'Experiment',
  user: 'User',
  team: 'Team',
};

export function breakdownLabel(dimension: string): string {
  return BREAKDOWN_LABELS[dimension] ?? (dimension.startsWith('tags.') ? `Tag ${dimension.slice(5)}` : dimension);
}

/** Rows that are a real value (not "(other)" or "(none)") can be drilled into. */
export function isDrillable(row: BreakdownRow): boolean {
  return row.key !== '(other)' && row.key !== '(none)';
}

/**
 * The filters after clicking `key` in the breakdown by `dimension`: that dimension narrowed to
 * the value (a tag filter replaces one on the same key). Null for "(other)" / "(none)".
 */
export function drillDown(filters: Filters, dimension: string, key: string): Filters | null {
  if (key === '(other)' || key === '(none)') return null;
  if ((DIMENSIONS as readonly string[]).includes(dimension)) {
    return { ...filters, dims: { ...filters.dims, [dimension as Dimension]: [key] } };
  }
  if (dimension.startsWith('tags.')) {
    const tagKey = dimension.slice(5);
    return { ...filters, tags: [...filters.tags.filter((tag) => tag.key !== tagKey), { key: tagKey, value: key }] };
  }
  return null;
}

export function breakdownModel(breakdown: Breakdown | undefined, dimension: string, palette: Palette): ChartModel {
  const rows = breakdown?.rows ?? [];
  if (rows.length === 0) {
    return { kind: 'empty', reason: 'No calls in this time range.', hint: 'Widen the time range or clear filters.' };
  }
  const byKey = new Map(rows.map((row) => [row.key, row]));
  const unpricedColor = palette.neutral;
  return {
    kind: 'ready',
    points: rows.length,
    option: {
      ...baseOption(palette),
      grid: { left: 8, right: 72, top: 4, bottom: 4, containLabel: true },
      tooltip: {
        ...(baseOption(palette).tooltip as object),
        trigger: 'item',
        formatter: (raw: unknown) => {
          const row = byKey.get((raw as { name: string }).name);
          if (!row) return '';
          return (
            tooltipTitle(`${breakdownLabel(dimension)}: ${row.key}`) +
            tooltipRow(palette.primary, 'Cost', row.cost_usd === null ? 'unpriced' : formatUsd(row.cost_usd)) +
            tooltipRow(palette.primary, 'Share', formatRatio(row.share)) +
            tooltipRow(palette.neutral, 'Calls', formatCompact(row.calls)) +
            tooltipRow(palette.neutral, 'Per 1K tokens', formatUsd(row.cost_per_1k_tokens)) +
            tooltipRow(palette.warning, 'vs previous', formatChange(row.change_pct)) +
            (isDrillable(row) ? '<div style="margin-top:4px;opacity:.7">Click to filter by it</div>' : '')
          );
        },
      },
      xAxis: {
        type: 'value',
        ...axisStyle(palette),
        axisLabel: { ...axisStyle(palette).axisLabel, formatter: (v: number) => formatUsd(v) },
      },
      yAxis: {
        type: 'category',
        inverse: true,
        data: rows.map((row) => row.key),
        ...axisStyle(palette),
        axisLabel: {
          ...axisStyle(palette).axisLabel,
          width: 130,
          overflow: 'truncate',
          color: palette.text,
        },
      },
      series: [
        {
          type: 'bar',
          barMaxWidth: 18,
          cursor: 'pointer',
          data: rows.map((row) => ({
            value: row.cost_usd ?? 0,
            name: row.key,
            itemStyle: {
              color: row.cost_usd === null ? unpricedColor : row.key === '(other)' ? palette.neutral : palette.primary,
              borderRadius: [0, 4, 4, 0],
            },
          })),
          label: {
            show: true,
            position: 'right',
            color: palette.textMuted,
            fontSize: 11,
            formatter: (params: { name: string }) => {
              const row = byKey.get(params.name);
              if (!row) return '';
              return row.cost_usd === null ? 'unpriced' : formatRatio(row.share, 0);
            },
          },
        },
      ],
    },
  };
}
