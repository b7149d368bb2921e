import { Card } from './Card';
import { Icon } from './Icon';

interface ErrorStateProps {
  title?: string;
  message: string;
  onRetry: () => void;
  retrying?: boolean;
}

/** A failed load: what went wrong, and a retry button. */
export function ErrorState({ title = 'Could not load the dashboard', message, onRetry, retrying = false }: ErrorStateProps) {
  return (
    <Card role="alert" data-testid="error-state" className="flex flex-col items-center gap-3 px-6 py-12 text-center">
      <span className="grid h-10 w-10 place-items-center rounded-full bg-danger/10 text-danger">
        <Icon name="alert" className="h-5 w-5" />
      </span>
      <h2 className="text-base font-semibold text-fg">{title}</h2>
      <p className="max-w-lg text-sm text-muted">{message}</p>
      <button
        type="button"
        onClick={onRetry}
        disabled={retrying}
        className="inline-flex items-center gap-2 rounded-lg bg-primary px-3 py-1.5 text-sm font-medium text-white transition hover:opacity-90 disabled:opacity-60"
      >
        <Icon name="refresh" className={`h-4 w-4 ${retrying ? 'animate-spin' : ''}`} />
        {retrying ? 'Retrying…' : 'Retry'}
      </button>
    </Card>
  );
}
