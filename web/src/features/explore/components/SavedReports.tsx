// The saved reports: open one (its URL is /explore?report=ID), rename it in place, delete it.
import { useState } from 'react';
import type { Report } from '../../../api/types';
import { Card } from '../../../components/ui/Card';
import { Icon } from '../../../components/ui/Icon';
import { useDeleteReport, useReports, useUpdateReport } from '../hooks/useReports';
import { buttonClass, selectClass } from './Chips';

function ReportRow({ report, current, onOpen, onDeleted }: { report: Report; current: boolean; onOpen: (id: number) => void; onDeleted: (id: number) => void }) {
  const [renaming, setRenaming] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const update = useUpdateReport();
  const remove = useDeleteReport();
  const error = update.error ?? remove.error;

  if (renaming !== null) {
    return (
      <li className="flex flex-col gap-1 py-2">
        <form
          className="flex items-center gap-1.5"
          onSubmit={(e) => {
            e.preventDefault();
            update.mutate({ id: report.id, update: { name: renaming } }, { onSuccess: () => setRenaming(null) });
          }}
        >
          <input aria-label="New name" className={`${selectClass} flex-1`} value={renaming} onChange={(e) => setRenaming(e.target.value)} autoFocus />
          <button type="submit" className={buttonClass} disabled={update.isPending}>
            Rename
          </button>
          <button type="button" className={buttonClass} onClick={() => setRenaming(null)}>
            Cancel
          </button>
        </form>
        {error && <p className="text-xs text-danger">{error.message}</p>}
      </li>
    );
  }
  return (
    <li className="flex flex-col gap-1 py-2" data-testid={`saved-report-${report.id}`}>
      <div className="flex items-center gap-1.5">
        <a
          href={`/explore?report=${report.id}`}
          onClick={(e) => {
            if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;
            e.preventDefault();
            onOpen(report.id);
          }}
          aria-current={current ? 'page' : undefined}
          className={`min-w-0 flex-1 truncate text-sm ${current ? 'font-semibold text-primary' : 'text-fg hover:text-primary'}`}
          title={report.name}
        >
          {report.name}
        </a>
        <span className="shrink-0 text-xs text-muted">{report.chart}</span>
        <button type="button" className="grid h-7 w-7 place-items-center rounded-md text-muted hover:bg-surface hover:text-fg" aria-label={`Rename ${report.name}`} title="Rename" onClick={() => setRenaming(report.name)}>
          <Icon name="tag" className="h-3.5 w-3.5" />
        </button>
        <button type="button" className="grid h-7 w-7 place-items-center rounded-md text-muted hover:bg-danger/10 hover:text-danger" aria-label={`Delete ${report.name}`} title="Delete" onClick={() => setConfirming(true)}>
          <Icon name="x" className="h-3.5 w-3.5" />
        </button>
      </div>
      {confirming && (
        <div className="flex items-center gap-1.5 text-xs">
          <span className="text-muted">Delete this report?</span>
          <button
            type="button"
            className="rounded-md bg-danger px-2 py-0.5 font-medium text-white"
            onClick={() => remove.mutate(report.id, { onSuccess: () => onDeleted(report.id) })}
            disabled={remove.isPending}
          >
            Delete
          </button>
          <button type="button" className="rounded-md px-2 py-0.5 text-muted hover:text-fg" onClick={() => setConfirming(false)}>
            Keep
          </button>
        </div>
      )}
      {error && <p className="text-xs text-danger">{error.message}</p>}
    </li>
  );
}

export function SavedReports({ currentId, onOpen, onDeleted }: { currentId: number | null; onOpen: (id: number) => void; onDeleted: (id: number) => void }) {
  const reports = useReports();
  return (
    <Card className="flex flex-col p-4" data-testid="saved-reports">
      <h2 className="text-xs font-semibold tracking-wide text-muted uppercase">Saved reports</h2>
      {reports.isLoading && <div className="mt-2 h-16 animate-pulse rounded-lg bg-surface" />}
      {reports.isError && <p className="mt-2 text-xs text-danger">Could not load the saved reports: {reports.error.message}</p>}
      {reports.data && reports.data.reports.length === 0 && <p className="mt-2 text-sm text-muted">None yet. Build a report and save it.</p>}
      {reports.data && reports.data.reports.length > 0 && (
        <ul className="mt-1 divide-y divide-border">
          {reports.data.reports.map((report) => (
            <ReportRow key={report.id} report={report} current={report.id === currentId} onOpen={onOpen} onDeleted={onDeleted} />
          ))}
        </ul>
      )}
    </Card>
  );
}
