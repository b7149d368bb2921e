// Saving the report being built: a name, then Save (a new report, or the open one updated) and
// "Save as new" for a copy. A 400 from the server names the field, shown as it says it.
import { useEffect, useState } from 'react';
import { ApiError } from '../../../api/client';
import type { QuerySpec, Report, ReportChart } from '../../../api/types';
import { useCreateReport, useUpdateReport } from '../hooks/useReports';
import { buttonClass, primaryButtonClass, selectClass } from './Chips';

interface Props {
  current: Report | undefined;
  spec: QuerySpec;
  chart: ReportChart;
  dirty: boolean;
  onSaved: (report: Report) => void;
}

function errorText(error: Error | null): string | null {
  if (!error) return null;
  if (error instanceof ApiError && error.details.length > 0) return error.details.map((d) => `${d.field}: ${d.reason}`).join('; ');
  return error.message;
}

export function SaveBar({ current, spec, chart, dirty, onSaved }: Props) {
  const [name, setName] = useState(current?.name ?? '');
  useEffect(() => setName(current?.name ?? ''), [current?.id, current?.name]);
  const create = useCreateReport();
  const update = useUpdateReport();
  const pending = create.isPending || update.isPending;
  const error = errorText(create.error ?? update.error);

  const saveNew = () => create.mutate({ name, chart, spec }, { onSuccess: onSaved });
  const save = () => {
    if (!current) return saveNew();
    update.mutate({ id: current.id, update: { name, chart, spec } }, { onSuccess: onSaved });
  };

  return (
    <form
      className="flex w-full flex-col gap-1.5 sm:w-auto"
      onSubmit={(e) => {
        e.preventDefault();
        save();
      }}
    >
      <div className="flex flex-wrap items-center gap-1.5">
        <input
          aria-label="Report name"
          placeholder="Report name"
          className={`${selectClass} min-w-40 flex-1 sm:w-56 sm:flex-none`}
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
        <button type="submit" className={primaryButtonClass} disabled={pending || name.trim() === ''}>
          {current ? 'Save' : 'Save report'}
        </button>
        {current && (
          <button type="button" className={buttonClass} disabled={pending || name.trim() === ''} onClick={saveNew}>
            Save as new
          </button>
        )}
        {current && dirty && <span className="text-xs text-warning">Unsaved changes</span>}
      </div>
      {error && (
        <p role="alert" className="text-xs text-danger">
          Not saved: {error}
        </p>
      )}
    </form>
  );
}
