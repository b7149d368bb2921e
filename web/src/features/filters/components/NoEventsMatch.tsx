// What a dashboard shows when its filters or range match no events: why, and a reset.
import { Card } from '../../../components/ui/Card';
import { EmptyState } from '../../../components/ui/EmptyState';
import { DEFAULT_FILTERS, activeFilterCount, rangeLabel, type Filters } from '../lib/filters';

interface NoEventsMatchProps {
  filters: Filters;
  onChange: (filters: Filters) => void;
  /** What the range lacks, e.g. "LLM calls" or "LLM calls to measure". */
  what?: string;
}

export function NoEventsMatch({ filters, onChange, what = 'LLM calls' }: NoEventsMatchProps) {
  const count = activeFilterCount(filters);
  return (
    <Card>
      <EmptyState
        icon="search"
        title={`No events match ${count > 0 ? 'these filters' : 'this time range'}`}
        hint={`${rangeLabel(filters.range)}${count > 0 ? ` with ${count} filter(s)` : ''} has no ${what}. Widen the time range or clear the filters.`}
        action={
          <button
            type="button"
            onClick={() => onChange(DEFAULT_FILTERS)}
            className="mt-2 rounded-lg bg-primary px-3 py-1.5 text-sm font-medium text-white hover:opacity-90"
          >
            Reset to the last 30 days, no filters
          </button>
        }
      />
    </Card>
  );
}
