import type { ReactNode } from 'react';
import { Icon, type IconName } from './Icon';

interface EmptyStateProps {
  title: string;
  hint?: ReactNode;
  icon?: IconName;
  action?: ReactNode;
  compact?: boolean;
}

/** Says why there is nothing to show and what to do about it. */
export function EmptyState({ title, hint, icon = 'chart', action, compact = false }: EmptyStateProps) {
  return (
    <div
      data-testid="empty-state"
      className={`flex h-full flex-col items-center justify-center gap-2 text-center ${compact ? 'px-4' : 'px-6 py-12'}`}
    >
      <span className="grid h-10 w-10 place-items-center rounded-full bg-surface text-muted">
        <Icon name={icon} className="h-5 w-5" />
      </span>
      <p className="text-sm font-medium text-fg">{title}</p>
      {hint && <p className="max-w-sm text-xs text-muted">{hint}</p>}
      {action}
    </div>
  );
}
