// The events explorer (issue 12): raw events under the global filters, a debounced text search,
// sort by time, cost or latency, a virtualised table that loads the next page by cursor as it
// scrolls, and a drawer with every field of an event.
import { useCallback, useEffect, useState } from 'react';
import type { StoredEvent } from '../../../api/types';
import { ErrorState } from '../../../components/ui/ErrorState';
import { Icon } from '../../../components/ui/Icon';
import { GlobalFilterBar } from '../../filters/components/GlobalFilterBar';
import { NoEventsMatch } from '../../filters/components/NoEventsMatch';
import { useUrlFilters } from '../../filters/hooks/useUrlFilters';
import { rangeLabel } from '../../filters/lib/filters';
import { useDebounced } from '../hooks/useDebounced';
import { useEventSearch } from '../hooks/useEventSearch';
import { useExplorerParams } from '../hooks/useExplorerParams';
import { nextSort, type SortBy } from '../lib/search';
import { EventDrawer } from './EventDrawer';
import { EventTable } from './EventTable';

function TableSkeleton() {
  return (
    <div className="flex flex-col gap-2 rounded-xl border border-border bg-surface p-3" aria-busy="true" data-testid="events-loading">
      {Array.from({ length: 12 }, (_, idx) => (
        <div key={idx} className="h-7 animate-pulse rounded bg-background" />
      ))}
    </div>
  );
}

export function EventsPage() {
  const [filters, setFilters] = useUrlFilters();
  const [{ q: urlQ, sort }, setParams] = useExplorerParams();
  const [typed, setTyped] = useState(urlQ);
  const q = useDebounced(typed, 300);
  useEffect(() => setParams(q, sort), [q, sort, setParams]);
  const search = useEventSearch(filters, q, sort);
  const [open, setOpen] = useState<StoredEvent | null>(null);

  const events = search.data?.pages.flatMap((page) => page.events) ?? [];
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = search;
  const loadMore = useCallback(() => {
    if (hasNextPage && !isFetchingNextPage) void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);
  const onSort = (by: SortBy) => setParams(q, nextSort(sort, by));
  const elapsed = search.data?.pages[0]?.stats.elapsed_ms;

  let body;
  if (search.isError && !search.data) {
    body = (
      <ErrorState
        title="Could not load the events"
        message={search.error instanceof Error ? search.error.message : String(search.error)}
        onRetry={() => void search.refetch()}
        retrying={search.isFetching}
      />
    );
  } else if (!search.data) {
    body = <TableSkeleton />;
  } else if (events.length === 0) {
    body =
      q.trim() !== '' ? (
        <div className="rounded-xl border border-border bg-surface px-6 py-12 text-center" data-testid="events-empty">
          <p className="text-sm font-medium text-fg">No events contain “{q.trim()}”</p>
          <button type="button" onClick={() => setTyped('')} className="mt-2 text-sm font-medium text-primary hover:underline">
            Clear the search
          </button>
        </div>
      ) : (
        <NoEventsMatch filters={filters} onChange={setFilters} />
      );
  } else {
    body = (
      <div className={`flex flex-col gap-2 transition-opacity ${search.isPlaceholderData ? 'opacity-60' : ''}`}>
        {search.isError && (
          <p role="status" className="rounded-lg bg-danger/10 px-3 py-2 text-xs text-danger">
            Loading more failed ({search.error instanceof Error ? search.error.message : 'unknown error'}).
          </p>
        )}
        <EventTable
          events={events}
          sort={sort}
          onSort={onSort}
          onOpen={setOpen}
          onNearEnd={loadMore}
          loadingMore={isFetchingNextPage}
          complete={!hasNextPage}
        />
      </div>
    );
  }

  return (
    <div className="flex flex-col gap-4">
      <div>
        <h1 className="text-xl font-semibold tracking-tight text-fg">Events</h1>
        <p className="text-sm text-muted">
          {rangeLabel(filters.range)} · every call as it was stored, newest first unless sorted
          {elapsed !== undefined && ` · first page in ${elapsed.toFixed(1)} ms`}
        </p>
      </div>
      <GlobalFilterBar filters={filters} onChange={setFilters} />
      <label className="flex items-center gap-2 rounded-xl border border-border bg-surface px-3 py-2 focus-within:border-primary">
        <Icon name="search" className="h-4 w-4 shrink-0 text-muted" />
        <input
          type="search"
          value={typed}
          onChange={(change) => setTyped(change.target.value)}
          placeholder="Search model, user, experiment, trace or session id, tag values"
          aria-label="Search events"
          data-testid="events-search"
          className="min-w-0 flex-1 bg-transparent text-sm text-fg outline-none placeholder:text-muted"
        />
      </label>
      {body}
      {open && <EventDrawer event={open} onClose={() => setOpen(null)} />}
    </div>
  );
}
