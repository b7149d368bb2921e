// Prepare layer of the model-usage donut: share of events per model, the long tail folded into "Other".
import type { ModelUsage } from '../../../api/types';
import { baseOption, tooltipRow, tooltipTitle, type ChartModel } from '../../../lib/chart';
import { formatCompact, formatRatio, formatUsd } from '../../../lib/format';
import type { Palette } from '../../../lib/palette';

/** Slices shown before the rest is folded into "Other": more is unreadable in a donut. */
export const MAX_SLICES = 7;

export interface Slice {
  name: string;
  provider: string;
  count: number;
  share: number;
  cost_usd: number | null;
}

/** Legend names longer than this are cut with an ellipsis; the tooltip has the full name. */
const LEGEND_NAME_MAX = 24;

/** Below this chart width the legend moves under the donut (one scrolling line). */
export const NARROW_CHART_PX = 520;

/** The server's entry for every model beyond its top list. */
export const SERVER_OTHER = '(other)';

export function modelSlices(usage: ModelUsage[], maxSlices = MAX_SLICES): Slice[] {
  const serverOther = usage.filter((u) => u.model === SERVER_OTHER && u.count > 0);
  const sorted = usage.filter((u) => u.model !== SERVER_OTHER && u.count > 0).sort((a, b) => b.count - a.count);
  const slices: Slice[] = sorted.slice(0, maxSlices).map((u) => ({
    name: u.model === '(none)' ? '(no model)' : u.model,
    provider: u.provider,
    count: u.count,
    share: u.share,
    cost_usd: u.cost_usd,
  }));
  const rest = [...sorted.slice(maxSlices), ...serverOther];
  if (rest.length > 0) {
    const costs = rest.map((u) => u.cost_usd).filter((c): c is number => c !== null);
    const named = rest.length - serverOther.length;
    slices.push({
      name: serverOther.length > 0 ? 'Other models' : `Other (${named} models)`,
      provider: '',
      count: rest.reduce((n, u) => n + u.count, 0),
      share: rest.reduce((n, u) => n + u.share, 0),
      cost_usd: costs.length > 0 ? costs.reduce((a, b) => a + b, 0) : null,
    });
  }
  return slices;
}

interface ItemParam {
  dataIndex?: number;
  color?: unknown;
}

export function modelUsageModel(usage: ModelUsage[], palette: Palette): ChartModel {
  const slices = modelSlices(usage);
  if (slices.length === 0) {
    return {
      kind: 'empty',
      reason: 'No model calls in this time range.',
      hint: 'Widen the time range or clear filters; events need a model field to appear here.',
    };
  }
  const total = slices.reduce((n, s) => n + s.count, 0);
  const colors = slices.map((_, idx) => palette.series[idx % palette.series.length]!);
  if (slices[slices.length - 1]!.name.startsWith('Other')) colors[colors.length - 1] = palette.neutral;

  return {
    kind: 'ready',
    points: slices.length,
    option: {
      ...baseOption(palette),
      title: {
        text: formatCompact(total),
        subtext: 'requests',
        left: '35%',
        top: '50%',
        textAlign: 'center',
        textVerticalAlign: 'middle',
        textStyle: { color: palette.text, fontSize: 22, fontWeight: 600 },
        subtextStyle: { color: palette.textMuted, fontSize: 12 },
        itemGap: 2,
      },
      tooltip: {
        ...baseOption(palette).tooltip,
        trigger: 'item',
        formatter: (raw: unknown) => {
          const param = raw as ItemParam;
          const slice = slices[param.dataIndex ?? -1];
          if (!slice) return '';
          const color = String(param.color ?? palette.primary);
          return (
            tooltipTitle(slice.provider ? `${slice.name} · ${slice.provider}` : slice.name) +
            tooltipRow(color, 'Requests', formatCompact(slice.count)) +
            tooltipRow(color, 'Share', formatRatio(slice.share)) +
            tooltipRow(color, 'Cost', formatUsd(slice.cost_usd))
          );
        },
      },
      legend: {
        type: 'scroll',
        orient: 'vertical',
        right: 0,
        top: 'middle',
        icon: 'circle',
        itemWidth: 8,
        itemHeight: 8,
        textStyle: { color: palette.textMuted, fontSize: 12 },
        pageIconColor: palette.primary,
        pageIconInactiveColor: palette.border,
        pageTextStyle: { color: palette.textMuted },
        formatter: (name: string) => {
          const slice = slices.find((s) => s.name === name);
          const short = name.length > LEGEND_NAME_MAX ? `${name.slice(0, LEGEND_NAME_MAX - 1)}…` : name;
          return slice ? `${short}  ${formatRatio(slice.share)}` : short;
        },
      },
      series: [
        {
          name: 'Model usage',
          type: 'pie',
          radius: ['52%', '78%'],
          center: ['35%', '50%'],
          avoidLabelOverlap: true,
          padAngle: slices.length > 1 ? 1 : 0,
          itemStyle: { borderRadius: 4, borderColor: palette.background, borderWidth: 2 },
          label: { show: false },
          labelLine: { show: false },
          emphasis: { scale: true, scaleSize: 6 },
          data: slices.map((s, idx) => ({ name: s.name, value: s.count, itemStyle: { color: colors[idx] } })),
        },
      ],
      media: [
        {
          query: { maxWidth: NARROW_CHART_PX },
          option: {
            legend: { orient: 'horizontal', left: 'center', right: 'auto', top: 'auto', bottom: 0 },
            title: { left: '50%', top: '44%' },
            series: [{ center: ['50%', '44%'], radius: ['46%', '72%'] }],
          },
        },
      ],
    },
  };
}
