// "Updated HH:mm:ss" and a refresh button (spinning while fetching): the trailing part of a
// dashboard's filter bar.
import { format } from 'date-fns';
import { Icon } from './Icon';

interface RefreshControlProps {
  updatedAt: number;
  fetching: boolean;
  onRefresh: () => void;
  /** When the page refetches by itself, for the tooltip: "every 30 seconds". */
  every: string;
}

export function RefreshControl({ updatedAt, fetching, onRefresh, every }: RefreshControlProps) {
  return (
    <div className="flex items-center gap-2 text-xs text-muted">
      {updatedAt > 0 && (
        <span className="hidden md:inline" title={`The dashboard refreshes ${every}`}>
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
