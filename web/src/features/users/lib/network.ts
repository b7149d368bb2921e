// Prepare layer of the collaboration network: users (node size by calls, colour by team) linked
// by the experiments they share (link width by shared experiments). Force layout.
import type { NetworkLink, NetworkNode } from '../../../api/types';
import { baseOption, tooltipRow, tooltipTitle, type ChartModel } from '../../../lib/chart';
import { formatCompact, formatUsd } from '../../../lib/format';
import type { Palette } from '../../../lib/palette';

/** The part before "@" of an e-mail-like user name: labels stay short. */
export function shortName(user: string): string {
  const at = user.indexOf('@');
  return at > 0 ? user.slice(0, at) : user;
}

export function teamCategories(nodes: NetworkNode[]): string[] {
  return [...new Set(nodes.map((n) => n.team ?? '(no team)'))].sort();
}

/** Nodes named on the graph: the busiest users. */
export const NAMED_NODES = 6;

/** Links each user keeps: their strongest ones (most shared experiments, then calls). */
export const LINKS_PER_NODE = 3;

/**
 * The links drawn: every user's LINKS_PER_NODE strongest, plus each user's strongest link to
 * another team (so teams stay connected), so a dense network — where everyone shares something
 * with everyone — still shows who works with whom. Order as given.
 */
export function strongestLinks(links: NetworkLink[], nodes: NetworkNode[], perNode = LINKS_PER_NODE): NetworkLink[] {
  const stronger = (a: NetworkLink, b: NetworkLink) => b.shared_experiments - a.shared_experiments || b.calls - a.calls;
  const byNode = new Map<number, NetworkLink[]>();
  for (const link of links) {
    for (const node of [link.source, link.target]) byNode.set(node, [...(byNode.get(node) ?? []), link]);
  }
  const kept = new Set<NetworkLink>();
  for (const own of byNode.values()) {
    const ranked = [...own].sort(stronger);
    for (const link of ranked.slice(0, perNode)) kept.add(link);
    const across = ranked.find((link) => nodes[link.source]?.team !== nodes[link.target]?.team);
    if (across) kept.add(across);
  }
  return links.filter((link) => kept.has(link));
}

export function networkModel(network: { nodes: NetworkNode[]; links: NetworkLink[] }, palette: Palette): ChartModel {
  const nodes = network.nodes;
  const links = strongestLinks(network.links, nodes);
  if (nodes.length < 2) {
    return { kind: 'empty', reason: 'Fewer than two users in this time range.', hint: 'Widen the time range or clear filters.' };
  }
  const categories = teamCategories(nodes);
  const maxCalls = Math.max(1, ...nodes.map((n) => n.calls));
  const maxShared = Math.max(1, ...links.map((l) => l.shared_experiments));
  const named = new Set([...nodes].sort((a, b) => b.calls - a.calls).slice(0, NAMED_NODES));
  return {
    kind: 'ready',
    points: nodes.length,
    option: {
      ...baseOption(palette),
      legend: { top: 0, left: 0, icon: 'circle', itemWidth: 8, itemHeight: 8, textStyle: { color: palette.textMuted }, data: categories },
      tooltip: {
        ...baseOption(palette).tooltip,
        trigger: 'item',
        formatter: (raw: unknown) => {
          const item = raw as { dataType?: string; dataIndex: number; color?: unknown };
          const color = String(item.color ?? palette.primary);
          if (item.dataType === 'edge') {
            const link = links[item.dataIndex];
            if (!link) return '';
            return (
              tooltipTitle(`${shortName(nodes[link.source]?.user ?? '')} — ${shortName(nodes[link.target]?.user ?? '')}`) +
              tooltipRow(palette.neutral, 'Shared experiments', String(link.shared_experiments)) +
              tooltipRow(palette.neutral, 'Calls in them', formatCompact(link.calls))
            );
          }
          const node = nodes[item.dataIndex];
          if (!node) return '';
          return (
            tooltipTitle(node.user) +
            tooltipRow(color, 'Team', node.team ?? '(no team)') +
            tooltipRow(color, 'Calls', formatCompact(node.calls)) +
            tooltipRow(color, 'Cost', node.cost_usd === null ? 'unpriced' : formatUsd(node.cost_usd))
          );
        },
      },
      series: [
        {
          type: 'graph',
          layout: 'force',
          top: 36,
          bottom: 12,
          roam: true,
          draggable: true,
          // A circular start instead of a random one: the same data gives the same picture.
          force: { initLayout: 'circular', repulsion: 120, edgeLength: [40, 110], gravity: 0.25, friction: 0.2 },
          labelLayout: { hideOverlap: true },
          categories: categories.map((name, idx) => ({ name, itemStyle: { color: palette.series[idx % palette.series.length] } })),
          data: nodes.map((node) => ({
            name: node.user,
            category: categories.indexOf(node.team ?? '(no team)'),
            symbolSize: 8 + 22 * Math.sqrt(node.calls / maxCalls),
          })),
          links: links.map((link) => ({
            source: link.source,
            target: link.target,
            lineStyle: { width: 0.5 + 2.5 * (link.shared_experiments / maxShared), opacity: 0.35 },
          })),
          // Names of the busiest users only (the tooltip names every one).
          label: {
            show: true,
            position: 'right',
            color: palette.textMuted,
            fontSize: 10,
            formatter: (p: { dataIndex: number }) => {
              const node = nodes[p.dataIndex];
              return node && named.has(node) ? shortName(node.user) : '';
            },
          },
          lineStyle: { color: palette.neutral, curveness: 0.08 },
          emphasis: { focus: 'adjacency', lineStyle: { opacity: 0.9 } },
        },
      ],
      // On a phone the legend takes two lines and the layout is wider than the card: zoom out,
      // and leave the names to the tooltip (they would cover the nodes).
      media: [{ query: { maxWidth: 560 }, option: { series: [{ top: 56, zoom: 0.62, label: { show: false } }] } }],
    },
  };
}
