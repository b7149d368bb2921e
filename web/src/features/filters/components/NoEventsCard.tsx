// What a dashboard shows when its filters and time range match no event: why, and a reset.
import { Card } from '../../../components/ui/Card';
import { EmptyState } from '../../../components/ui/EmptyState';
import type { IconName } from '../../../components/ui/Icon';
import { DEFAULT_FILTERS, activeFilterCount, rangeLabel, type Filters } from '../lib/filters';

interface NoEventsCardProps {
  filters: Filters;
  onChange: (filters: Filters) => void;
  icon?: IconName;
  /** What is missing as a consequence, e.g. ", so there are no users to show". */
  consequence?: string;
}

export function NoEventsCard({ filters, onChange, icon = 'search', consequence = '' }: NoEventsCardProps) {
  const count = activeFilterCount(filters);
  return (
    <Card>
      <EmptyState
        icon={icon}
        title={`No events match ${count > 0 ? 'these filters' : 'this time range'}`}
        hint={`${rangeLabel(filters.range)}${count > 0 ? ` with ${count} filter(s)` : ''} has no LLM calls${consequence}. Widen the time range or clear the filters.`}
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
