// Calls the price catalogue cannot price, by model: shown as unpriced, never as free.
import type { UnpricedUsage } from '../../../api/types';
import { Icon } from '../../../components/ui/Icon';
import { formatCompact } from '../../../lib/format';

export function UnpricedNotice({ unpriced }: { unpriced: UnpricedUsage }) {
  return (
    <div
      data-testid="unpriced-notice"
      role="note"
      className="flex flex-wrap items-start gap-x-3 gap-y-1 rounded-xl border border-warning/40 bg-warning/10 px-4 py-3 text-sm text-fg"
    >
      <Icon name="alert" className="mt-0.5 h-4 w-4 shrink-0 text-warning" />
      <p className="min-w-0 flex-1">
        <b>{formatCompact(unpriced.calls)} unpriced calls</b> ({formatCompact(unpriced.input_tokens + unpriced.output_tokens)}{' '}
        tokens) are not in these costs: their models are not in the price catalogue.{' '}
        <span className="text-muted">
          {unpriced.models
            .slice(0, 4)
            .map((m) => `${m.model} (${formatCompact(m.calls)})`)
            .join(', ')}
          {unpriced.models.length > 4 ? ` and ${unpriced.models.length - 4} more` : ''}. Send cost_usd with each event, or
          add the model with --prices.
        </span>
      </p>
    </div>
  );
}
