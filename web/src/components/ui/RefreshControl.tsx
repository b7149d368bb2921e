// "Updated HH:mm:ss" and a refresh button, for the trailing end of a dashboard's filter bar.
import { format } from 'date-fns';
import { Icon } from './Icon';

interface RefreshControlProps {
  /** When the shown data arrived (epoch ms); 0 before the first answer. */
  updatedAt: number;
  fetching: boolean;
  onRefresh: () => void;
  /** How often the dashboard refreshes by itself, for the hint. */
  periodText?: string;
}

export function RefreshControl({ updatedAt, fetching, onRefresh, periodText = 'every 30 seconds' }: RefreshControlProps) {
  return (
    <div className="flex items-center gap-2 text-xs text-muted">
      {updatedAt > 0 && (
        <span className="hidden md:inline" title={`The dashboard refreshes ${periodText}`}>
          Updated {format(updatedAt, 'HH:mm:ss')}
        </span>
      )}
      <button
        type="button"
        onClick={onRefresh}
        aria-label="Refresh"
        className="grid h-8 w-8 place-items-center rounded-lg border border-border bg-background text-muted hover:text-fg"
      >
        <Icon name="refresh" className={`h-4 w-4 ${fetching ? 'animate-spin' : ''}`} />
      </button>
    </div>
  );
}
