// Prepare layer of the Insights page: the figures of an insight as text, the summary over all of
// them, the savings chart, and the dashboard link carrying the page's time range.
import type { Insight, InsightFigure, InsightsReport } from '../../../api/types';
import { axisStyle, baseOption, tooltipRow, tooltipTitle, type ChartModel } from '../../../lib/chart';
import { formatDuration, formatInteger, formatRatio, formatUsd } from '../../../lib/format';
import type { Palette } from '../../../lib/palette';
import { DEFAULT_RANGE, type Filters } from '../../filters/lib/filters';

export type Severity = Insight['severity'];

export const SEVERITY_LABEL: Record<Severity, string> = { critical: 'Critical', warning: 'Warning', info: 'Info' };

export const KIND_LABEL: Record<Insight['kind'], string> = {
  exact_cache: 'Exact cache',
  cheaper_model: 'Cheaper model',
  runaway_spend: 'Runaway spend',
  unpriced_model: 'Unpriced model',
  budget_overrun: 'Budget',
  regression_after_annotation: 'Regression',
  retry_storm: 'Retry storm',
};

/** One evidence figure as shown: "$4.20", "75.0%", "1,234", "850 ms", "0.88", "1,200 tokens". */
export function formatFigure(figure: InsightFigure): string {
  switch (figure.unit) {
    case 'usd':
      return formatUsd(figure.value);
    case 'share':
      return formatRatio(figure.value);
    case 'ms':
      return formatDuration(figure.value);
    case 'tokens':
      return `${formatInteger(figure.value)} tokens`;
    case 'score':
      return Number(figure.value.toPrecision(3)).toString();
    default:
      return Number.isInteger(figure.value) ? formatInteger(figure.value) : figure.value.toFixed(1);
  }
}

export interface InsightsSummary {
  total: number;
  saving: number;
  withSaving: number;
  bySeverity: Record<Severity, number>;
}

export function summarize(report: InsightsReport): InsightsSummary {
  const bySeverity: Record<Severity, number> = { critical: 0, warning: 0, info: 0 };
  for (const insight of report.insights) bySeverity[insight.severity] += 1;
  return {
    total: report.insights.length,
    saving: report.total_monthly_saving_usd,
    withSaving: report.insights.filter((insight) => insight.monthly_saving_usd !== null).length,
    bySeverity,
  };
}

/**
 * The insight's dashboard link with the page's time range when the link has none of its own
 * (a regression's link names the two days around its annotation).
 */
export function insightHref(link: string, filters: Filters): string {
  const [path = '/', query = ''] = link.split('?', 2);
  const params = new URLSearchParams(query);
  if (!params.has('from') && !params.has('to')) {
    if (filters.range.kind === 'custom') {
      params.set('from', filters.range.from);
      params.set('to', filters.range.to);
    } else if (filters.range.preset !== DEFAULT_RANGE) {
      params.set('range', filters.range.preset);
    }
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

/** Bars shown in the savings chart; the rest are still cards. */
export const MAX_BARS = 10;
const LABEL_MAX = 34;

function shorten(text: string): string {
  return text.length > LABEL_MAX ? `${text.slice(0, LABEL_MAX - 1)}…` : text;
}

/** Horizontal bars of the monthly saving per insight, largest on top, coloured by severity. */
export function savingsModel(insights: Insight[], palette: Palette, narrow = false): ChartModel {
  const saving = insights
    .filter((insight): insight is Insight & { monthly_saving_usd: number } => (insight.monthly_saving_usd ?? 0) > 0)
    .slice(0, MAX_BARS)
    .reverse();
  if (saving.length === 0) {
    return {
      kind: 'empty',
      reason: 'No insight in this range saves money directly.',
      hint: 'Widen the time range: the rules need some days of calls to compare.',
    };
  }
  const color: Record<Severity, string> = { critical: palette.danger, warning: palette.warning, info: palette.primary };
  return {
    kind: 'ready',
    points: saving.length,
    option: {
      ...baseOption(palette),
      grid: { left: 8, right: 64, top: 8, bottom: 8, containLabel: true },
      tooltip: {
        ...baseOption(palette).tooltip,
        trigger: 'item',
        formatter: (param: unknown) => {
          const index = (param as { dataIndex?: number }).dataIndex ?? 0;
          const insight = saving[index]!;
          return (
            tooltipTitle(insight.title) +
            tooltipRow(color[insight.severity], 'Saving per month', formatUsd(insight.monthly_saving_usd))
          );
        },
      },
      xAxis: {
        type: 'value',
        ...axisStyle(palette),
        axisLabel: { ...axisStyle(palette).axisLabel, formatter: (value: number) => formatUsd(value) },
      },
      yAxis: {
        type: 'category',
        ...axisStyle(palette),
        data: saving.map((insight) => shorten(insight.title)),
        axisLabel: { ...axisStyle(palette).axisLabel, width: narrow ? 140 : 240, overflow: 'truncate' },
      },
      series: [
        {
          type: 'bar',
          name: 'Saving per month',
          barMaxWidth: 22,
          data: saving.map((insight) => ({
            value: insight.monthly_saving_usd,
            itemStyle: { color: color[insight.severity], borderRadius: [0, 4, 4, 0] },
          })),
          label: {
            show: true,
            position: 'right',
            color: palette.textMuted,
            fontSize: 11,
            formatter: (param: { value?: unknown }) => formatUsd(Number(param.value)),
          },
        },
      ],
    },
  };
}
