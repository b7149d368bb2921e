// Top error types with their counts, share, and change against the previous period.
import type { Performance } from '../../../api/types';
import { Card } from '../../../components/ui/Card';
import { EmptyState } from '../../../components/ui/EmptyState';
import { TONE_TEXT } from '../../../components/ui/Tone';
import { changeTone, formatChange, formatCompact, formatRatio } from '../../../lib/format';

export function ErrorTypesTable({ errors }: { errors: Performance['errors'] | undefined }) {
  return (
    <Card data-testid="error-types" className="flex h-80 flex-col p-4">
      <header className="mb-2">
        <h3 className="text-sm font-semibold text-fg">Top error types</h3>
        <p className="truncate text-xs text-muted">Errors in range, their share, and the change vs the previous period</p>
      </header>
      {!errors && <div className="h-full w-full animate-pulse rounded-lg bg-surface" />}
      {errors && errors.by_error_type.length === 0 && (
        <EmptyState compact icon="check" title="No errors in this time range." hint="Every call in range succeeded." />
      )}
      {errors && errors.by_error_type.length > 0 && (
        <div className="min-h-0 flex-1 overflow-auto">
          <table className="w-full text-sm">
            <thead className="sticky top-0 bg-background text-[11px] uppercase tracking-wide text-muted">
              <tr>
                <th className="py-1.5 text-left font-medium">Type</th>
                <th className="py-1.5 text-right font-medium">Errors</th>
                <th className="hidden py-1.5 text-right font-medium sm:table-cell">Share</th>
                <th className="py-1.5 text-right font-medium">Prev.</th>
                <th className="py-1.5 text-right font-medium">Change</th>
              </tr>
            </thead>
            <tbody>
              {errors.by_error_type.map((type) => (
                <tr key={type.error_type} data-testid="error-type-row" className="border-t border-border">
                  <td className="max-w-[10rem] truncate py-1.5 font-medium text-fg" title={type.error_type}>
                    {type.error_type}
                  </td>
                  <td className="tabular py-1.5 text-right text-fg">{formatCompact(type.errors)}</td>
                  <td className="tabular hidden py-1.5 text-right text-muted sm:table-cell">{formatRatio(type.share)}</td>
                  <td className="tabular py-1.5 text-right text-muted">{formatCompact(type.previous)}</td>
                  <td className={`tabular py-1.5 text-right font-medium ${TONE_TEXT[changeTone(type.change_pct, 'up-bad')]}`}>
                    {formatChange(type.change_pct)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}
