// Prepare layer of token efficiency: table rows (formatted) and the per-model cost per 1K input
// and output tokens as grouped bars.
import type { ModelEfficiency } from '../../../api/types';
import { axisStyle, baseOption, topRightLegend, type ChartModel } from '../../../lib/chart';
import { formatRatio, formatUsd } from '../../../lib/format';
import type { Palette } from '../../../lib/palette';

export interface EfficiencyRow {
  key: string;
  model: string;
  provider: string;
  cost: string;
  per1k: string;
  ratio: string;
  cachedShare: string;
  saved: string;
  unpriced: boolean;
}

export function efficiencyRows(models: ModelEfficiency[]): EfficiencyRow[] {
  return models.map((m) => ({
    key: `${m.provider}/${m.model}`,
    model: m.model,
    provider: m.provider,
    cost: m.cost_usd === null ? 'unpriced' : formatUsd(m.cost_usd),
    per1k: formatUsd(m.cost_per_1k_tokens),
    ratio: m.output_input_ratio === null ? '—' : `${m.output_input_ratio.toFixed(2)}×`,
    cachedShare: formatRatio(m.cached_share),
    saved: m.caching_saved_usd === null ? '—' : formatUsd(m.caching_saved_usd),
    unpriced: m.cost_usd === null,
  }));
}

/** The money prompt caching saved over all models (null when no model could be priced). */
export function totalCachingSaved(models: ModelEfficiency[]): number | null {
  const priced = models.filter((m) => m.caching_saved_usd !== null);
  return priced.length === 0 ? null : priced.reduce((sum, m) => sum + m.caching_saved_usd!, 0);
}

export function efficiencyModel(models: ModelEfficiency[], palette: Palette, limit = 10): ChartModel {
  const shown = models.filter((m) => m.cost_per_1k_input_tokens !== null || m.cost_per_1k_output_tokens !== null).slice(0, limit);
  if (shown.length === 0) {
    return {
      kind: 'empty',
      reason: 'No priced model to compare.',
      hint: 'Per-token costs need models the price catalogue knows.',
    };
  }
  const names = shown.map((m) => m.model);
  return {
    kind: 'ready',
    points: shown.length,
    option: {
      ...baseOption(palette),
      grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
      legend: { ...topRightLegend(palette, 10), data: ['Input', 'Output'] },
      tooltip: {
        ...(baseOption(palette).tooltip as object),
        trigger: 'axis',
        axisPointer: { type: 'shadow' },
        valueFormatter: (value: unknown) => `${formatUsd(Number(value))} per 1K tokens`,
      },
      xAxis: {
        type: 'value',
        ...axisStyle(palette),
        axisLabel: { ...axisStyle(palette).axisLabel, formatter: (v: number) => formatUsd(v) },
      },
      yAxis: {
        type: 'category',
        inverse: true,
        data: names,
        ...axisStyle(palette),
        axisLabel: { ...axisStyle(palette).axisLabel, width: 140, overflow: 'truncate', color: palette.text },
      },
      series: [
        {
          name: 'Input',
          type: 'bar',
          barMaxWidth: 10,
          itemStyle: { color: palette.series[0], borderRadius: [0, 3, 3, 0] },
          data: shown.map((m) => m.cost_per_1k_input_tokens),
        },
        {
          name: 'Output',
          type: 'bar',
          barMaxWidth: 10,
          itemStyle: { color: palette.series[2], borderRadius: [0, 3, 3, 0] },
          data: shown.map((m) => m.cost_per_1k_output_tokens),
        },
      ],
    },
  };
}
