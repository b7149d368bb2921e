// The header of a printed page (the browser's print, Ctrl+P): which page, its time range and its filters, and when
// it was printed. Hidden on screen.
import { format } from 'date-fns';
import { PAGES } from '../../app/pages';
import { useUrlFilters } from '../../features/filters/hooks/useUrlFilters';
import { printSummary } from '../../features/filters/lib/printSummary';

export function PrintHeader({ current }: { current: string }) {
  const [filters] = useUrlFilters();
  const page = PAGES.find((p) => p.id === current);
  const summary = printSummary(filters);
  return (
    <div data-testid="print-header" className="hidden border-b border-border pb-2 mb-4 print:block">
      <p className="text-base font-semibold text-fg">MLtrack Analytics{page ? ` — ${page.label}` : ''}</p>
      <p className="text-xs text-muted">
        {summary.range} · {summary.filters} · printed {format(new Date(), 'yyyy-MM-dd HH:mm')}
      </p>
    </div>
  );
}
