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

export function flowModel(graph: FlowGraph, palette: Palette): ChartModel {
  if (graph.links.length === 0) {
    return { kind: 'empty', reason: 'No priced calls to draw flows for.', hint: 'Widen the time range or clear filters.' };
  }
  const names = new Map(graph.nodes.map((node) => [node.id, node.name]));
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
          left: 8,
          right: 120,
          top: 8,
          bottom: 8,
          nodeGap: 10,
          nodeWidth: 12,
          draggable: false,
          emphasis: { focus: 'adjacency' },
          data: graph.nodes.map((node) => ({
            name: node.id,
            value: node.cost_usd,
            itemStyle: { color: (KIND_COLOR[node.kind] ?? (() => palette.neutral))(palette), borderWidth: 0 },
          })),
          links: graph.links.map((link) => ({ source: link.source, target: link.target, value: link.cost_usd })),
          lineStyle: { color: 'gradient', opacity: 0.35, curveness: 0.5 },
          label: {
            color: palette.text,
            fontSize: 11,
            width: 110,
            overflow: 'truncate',
            formatter: (params: { name: string }) => names.get(params.name) ?? params.name,
          },
        },
      ],
    },
  };
}
