// Prepare layer of the cost page's headline cards: totals → what each card shows, formatted.
import type { CardFigure, CostReport } from '../../../api/types';
import { changeTone, formatChange, formatCompact, formatUsd, type Polarity, type Tone } from '../../../lib/format';

export interface CostCardView {
  id: 'cost' | 'calls' | 'tokens' | 'per1k';
  title: string;
  figures: { id: string; value: string; change: { text: string; tone: Tone; title: string } }[];
  details: { label: string; value: string }[];
  warning?: string;
}

function figure(id: string, value: CardFigure, text: (v: number | null) => string, polarity: Polarity) {
  return {
    id,
    value: text(value.value),
    change: {
      text: formatChange(value.change_pct),
      tone: changeTone(value.change_pct, polarity),
      title: `Previous period: ${text(value.previous)}`,
    },
  };
}

export function costCardViews(report: CostReport): CostCardView[] {
  const { totals } = report;
  const unpriced = totals.unpriced_calls;
  return [
    {
      id: 'cost',
      title: 'Total cost',
      figures: [figure('cost', totals.cost_usd, formatUsd, 'up-bad')],
      details: [{ label: 'Previous period', value: formatUsd(totals.cost_usd.previous) }],
      warning:
        unpriced > 0
          ? `${formatCompact(unpriced)} unpriced call${unpriced === 1 ? '' : 's'} not included (model not in the price catalogue)`
          : undefined,
    },
    {
      id: 'calls',
      title: 'Calls',
      figures: [figure('calls', totals.calls, formatCompact, 'neutral')],
      details: [{ label: 'Previous period', value: formatCompact(totals.calls.previous) }],
    },
    {
      id: 'tokens',
      title: 'Tokens',
      figures: [figure('tokens', totals.tokens, formatCompact, 'neutral')],
      details: [{ label: 'Previous period', value: formatCompact(totals.tokens.previous) }],
    },
    {
      id: 'per1k',
      title: 'Cost per 1K tokens',
      figures: [figure('per1k', totals.cost_per_1k_tokens, formatUsd, 'up-bad')],
      details: [{ label: 'Previous period', value: formatUsd(totals.cost_per_1k_tokens.previous) }],
    },
  ];
}
