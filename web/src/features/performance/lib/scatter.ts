// Prepare layer of the TTFT × output-length scatter: one point per populated cell of the server's
// 2-D histogram (at the cell's centre), one colour per model, the dot's area ∝ calls in the cell.
import type { ScatterSeriesOption } from 'echarts/charts';
import type { Performance } from '../../../api/types';
import { axisStyle, baseOption, tooltipRow, tooltipTitle, type ChartModel } from '../../../lib/chart';
import { formatCompact, formatDuration } from '../../../lib/format';
import type { Palette } from '../../../lib/palette';

const MAX_MODELS = 8;

export function scatterModel(scatter: Performance['scatter'], palette: Palette): ChartModel {
  const { cells, output_tokens_width: outWidth, ttft_ms_width: ttftWidth } = scatter;
  if (cells.length === 0) {
    return {
      kind: 'empty',
      reason: 'No streamed calls with a time to first token in this range.',
      hint: 'Send ttft_ms (and output_tokens) for streamed calls.',
    };
  }
  const models: string[] = [];
  for (const cell of cells) if (!models.includes(cell.model) && models.length < MAX_MODELS) models.push(cell.model);
  const busiest = Math.max(...cells.map((c) => c.calls));
  const series: ScatterSeriesOption[] = models.map((model, idx) => ({
    name: model,
    type: 'scatter',
    data: cells
      .filter((c) => c.model === model)
      .map((c) => [c.output_tokens + outWidth / 2, c.ttft_ms + ttftWidth / 2, c.calls]),
    symbolSize: (value: number[]) => 3 + 15 * Math.sqrt((value[2] ?? 0) / busiest),
    itemStyle: { color: palette.series[idx % palette.series.length], opacity: 0.55 },
    emphasis: { focus: 'series', itemStyle: { opacity: 0.9 } },
  }));
  return {
    kind: 'ready',
    points: cells.filter((c) => models.includes(c.model)).length,
    option: {
      ...baseOption(palette),
      grid: { left: 8, right: 16, top: 36, bottom: 24, containLabel: true },
      legend: { top: 0, left: 0, right: 0, type: 'scroll', icon: 'circle', itemWidth: 8, itemHeight: 8, textStyle: { color: palette.textMuted } },
      tooltip: {
        ...baseOption(palette).tooltip,
        trigger: 'item',
        formatter: (raw: unknown) => {
          const param = raw as { seriesName?: string; color?: string; value?: number[] };
          const [x = 0, y = 0, calls = 0] = param.value ?? [];
          const color = param.color ?? palette.primary;
          return (
            tooltipTitle(param.seriesName ?? '') +
            tooltipRow(color, 'Output tokens', `${formatCompact(x - outWidth / 2)}–${formatCompact(x + outWidth / 2)}`) +
            tooltipRow(color, 'Time to first token', `${formatDuration(y - ttftWidth / 2)}–${formatDuration(y + ttftWidth / 2)}`) +
            tooltipRow(color, 'Calls', formatCompact(calls))
          );
        },
      },
      xAxis: {
        type: 'value',
        name: 'output tokens',
        nameLocation: 'middle',
        nameGap: 22,
        nameTextStyle: { color: palette.textMuted, fontSize: 11 },
        min: 0,
        ...axisStyle(palette),
        axisLabel: { ...axisStyle(palette).axisLabel, formatter: (v: number) => formatCompact(v) },
      },
      yAxis: {
        type: 'value',
        min: 0,
        ...axisStyle(palette),
        axisLabel: { ...axisStyle(palette).axisLabel, formatter: (v: number) => formatDuration(v) },
      },
      series,
    },
  };
}
