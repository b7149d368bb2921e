// Prepare layer of the cost flow sankeys: nodes named by their id ("team:ml"), labelled by name.
import type { FlowGraph } from '../../../api/types';
import { baseOption, tooltipRow, tooltipTitle, type ChartModel } from '../../../lib/chart';
import { formatUsd } from '../../../lib/format';
import type { Palette } from '../../../lib/palette';

const KIND_COLOR: Record<string, (palette: Palette) => string> = {
  team: (p) => p.series[0]!,
  provider: (p) => p.series[4]!,
  experiment: (p) => p.series[1]!,
  model: (p) => p.series[5]!,
};

const LEFT = 8;
const NODE_WIDTH = 12;
const LABEL_GAP = 5; // ECharts' distance between a node and its label
const MAX_LABEL = 110;

/**
 * Label widths that fit `chartWidth` px: a node's label runs right of it, so an inner layer's label
 * must end before the next layer's nodes, and the last layer's fits the right margin.
 */
export function flowLabelWidths(layers: number, chartWidth: number): { right: number; inner: number; last: number } {
  const right = Math.max(60, Math.min(MAX_LABEL + LABEL_GAP + 5, Math.round(chartWidth * 0.28)));
  const last = right - LABEL_GAP - 5;
  if (layers < 2) return { right, inner: last, last };
  const gap = (chartWidth - LEFT - right - layers * NODE_WIDTH) / (layers - 1);
  return { right, inner: Math.max(30, Math.min(MAX_LABEL, Math.floor(gap - LABEL_GAP - 6))), last };
}

/** `chartWidth`: the px the chart is drawn in (labels are truncated to fit it). */
export function flowModel(graph: FlowGraph, palette: Palette, chartWidth = 560): ChartModel {
  if (graph.links.length === 0) {
    return { kind: 'empty', reason: 'No priced calls to draw flows for.', hint: 'Widen the time range or clear filters.' };
  }
  const names = new Map(graph.nodes.map((node) => [node.id, node.name]));
  const kinds = [...new Set(graph.nodes.map((node) => node.kind))];
  const widths = flowLabelWidths(kinds.length, chartWidth);
  return {
    kind: 'ready',
    points: graph.links.length,
    option: {
      ...baseOption(palette),
      tooltip: {
        ...(baseOption(palette).tooltip as object),
        trigger: 'item',
        formatter: (raw: unknown) => {
          const params = raw as { dataType?: string; data: { source?: string; target?: string; name?: string; value: number } };
          if (params.dataType === 'edge') {
            const { source = '', target = '' } = params.data;
            return tooltipTitle(`${names.get(source)} → ${names.get(target)}`) + tooltipRow(palette.primary, 'Cost', formatUsd(params.data.value));
          }
          const id = params.data.name ?? '';
          return tooltipTitle(names.get(id) ?? id) + tooltipRow(palette.primary, id.split(':')[0] ?? '', formatUsd(params.data.value));
        },
      },
      series: [
        {
          type: 'sankey',
          left: LEFT,
          right: widths.right,
          top: 8,
          bottom: 8,
          nodeGap: 10,
          nodeWidth: NODE_WIDTH,
          draggable: false,
          emphasis: { focus: 'adjacency' },
          data: graph.nodes.map((node) => ({
            name: node.id,
            value: node.cost_usd,
            itemStyle: { color: (KIND_COLOR[node.kind] ?? (() => palette.neutral))(palette), borderWidth: 0 },
            label: { width: node.kind === kinds[kinds.length - 1] ? widths.last : widths.inner },
          })),
          links: graph.links.map((link) => ({ source: link.source, target: link.target, value: link.cost_usd })),
          lineStyle: { color: 'gradient', opacity: 0.35, curveness: 0.5 },
          label: {
            color: palette.text,
            fontSize: 11,
            overflow: 'truncate',
            formatter: (params: { name: string }) => names.get(params.name) ?? params.name,
          },
        },
      ],
    },
  };
}
