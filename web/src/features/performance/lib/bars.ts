// Horizontal bar charts with one row per name (models, providers, endpoints, HTTP statuses): the
// largest value on top, names truncated on the left, a value label at the end of each bar.
import type { BarSeriesOption } from 'echarts/charts';
import { axisStyle, baseOption, tooltipTitle, type ChartModel } from '../../../lib/chart';
import type { Palette } from '../../../lib/palette';

export interface BarRow {
  name: string;
  /** The bar's length; null draws no bar. */
  value: number | null;
  /** A second, lighter bar behind the first (e.g. p90 behind p50). */
  behind?: number | null;
}

interface BarsSpec<R extends BarRow> {
  rows: R[];
  palette: Palette;
  color: string;
  name: string;
  behindName?: string;
  axisText: (value: number) => string;
  labelText: (row: R) => string;
  /** Tooltip rows (HTML) under the row's name. */
  tooltipRows: (row: R) => string;
}

export function barsModel<R extends BarRow>(spec: BarsSpec<R>): ChartModel {
  const { rows, palette, color } = spec;
  const drawn = [...rows].reverse();  // first row at the top
  const series: BarSeriesOption[] = [];
  if (spec.behindName) {
    series.push({
      name: spec.behindName,
      type: 'bar',
      data: drawn.map((r) => r.behind ?? null),
      barMaxWidth: 16,
      barGap: '-100%',
      itemStyle: { color, opacity: 0.25, borderRadius: [0, 3, 3, 0] },
      silent: true,
    });
  }
  series.push({
    name: spec.name,
    type: 'bar',
    data: drawn.map((r) => r.value),
    barMaxWidth: 16,
    itemStyle: { color, borderRadius: [0, 3, 3, 0] },
    label: {
      show: true,
      position: 'right',
      color: palette.textMuted,
      fontSize: 10,
      formatter: (raw: unknown) => {
        const row = drawn[(raw as { dataIndex?: number }).dataIndex ?? -1];
        return row ? spec.labelText(row) : '';
      },
    },
  });
  return {
    kind: 'ready',
    points: rows.filter((r) => r.value !== null).length,
    option: {
      ...baseOption(palette),
      grid: { left: 8, right: 64, top: 8, bottom: 8, containLabel: true },
      tooltip: {
        ...baseOption(palette).tooltip,
        trigger: 'axis',
        axisPointer: { type: 'shadow' },
        formatter: (raw: unknown) => {
          const params = (Array.isArray(raw) ? raw : [raw]) as { dataIndex?: number }[];
          const row = drawn[params[0]?.dataIndex ?? -1];
          return row ? tooltipTitle(row.name) + spec.tooltipRows(row) : '';
        },
      },
      xAxis: {
        type: 'value',
        min: 0,
        ...axisStyle(palette),
        axisLabel: { ...axisStyle(palette).axisLabel, formatter: spec.axisText },
      },
      yAxis: {
        type: 'category',
        data: drawn.map((r) => r.name),
        ...axisStyle(palette),
        splitLine: { show: false },
        axisLabel: { ...axisStyle(palette).axisLabel, width: 130, overflow: 'truncate' },
      },
      series,
      media: [{ query: { maxWidth: 520 }, option: { yAxis: { axisLabel: { width: 90, fontSize: 10 } } } }],
    },
  };
}
