// A removable chip list with an "add" control after it (metrics, group-by dimensions).
import type { ReactNode } from 'react';
import { Icon } from '../../../components/ui/Icon';

export function Chips({ items, label, onRemove, children }: { items: string[]; label: (item: string) => string; onRemove: (item: string) => void; children?: ReactNode }) {
  return (
    <div className="flex flex-wrap items-center gap-1.5">
      {items.map((item) => (
        <span key={item} className="inline-flex items-center gap-1 rounded-full bg-primary/10 py-0.5 pr-1 pl-2.5 text-xs font-medium text-primary">
          <span title={item}>{label(item)}</span>
          <button type="button" onClick={() => onRemove(item)} aria-label={`Remove ${item}`} className="grid h-4 w-4 place-items-center rounded-full hover:bg-primary/20">
            <Icon name="x" className="h-3 w-3" />
          </button>
        </span>
      ))}
      {children}
    </div>
  );
}

export const selectClass =
  'h-8 min-w-0 rounded-lg border border-border bg-background px-2 text-sm text-fg focus-visible:outline-2 focus-visible:outline-primary';
export const buttonClass =
  'h-8 rounded-lg border border-border px-2.5 text-sm font-medium text-fg hover:bg-surface disabled:opacity-40 focus-visible:outline-2 focus-visible:outline-primary';
export const primaryButtonClass =
  'h-8 rounded-lg bg-primary px-3 text-sm font-medium text-white hover:opacity-90 disabled:opacity-40 focus-visible:outline-2 focus-visible:outline-primary';
