import { format } from 'date-fns';
import { useState } from 'react';
import { Icon } from '../../../components/ui/Icon';
import { Popover } from '../../../components/ui/Popover';
import { RANGE_PRESETS, type TimeRange } from '../lib/filters';

interface TimeRangePickerProps {
  value: TimeRange;
  onChange: (range: TimeRange) => void;
}

const LOCAL_INPUT = "yyyy-MM-dd'T'HH:mm";

function toInput(iso: string | undefined, fallback: Date): string {
  const date = iso ? new Date(iso) : fallback;
  return format(Number.isNaN(date.getTime()) ? fallback : date, LOCAL_INPUT);
}

/** Preset ranges as a segmented control, plus a custom from/to in local time. */
export function TimeRangePicker({ value, onChange }: TimeRangePickerProps) {
  const [open, setOpen] = useState(false);
  const now = new Date();
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const custom = value.kind === 'custom';
  const fromDate = new Date(from);
  const toDate = new Date(to);
  const valid = !Number.isNaN(fromDate.getTime()) && !Number.isNaN(toDate.getTime()) && fromDate < toDate;

  const openCustom = (next: boolean) => {
    if (next) {
      setFrom(toInput(custom ? value.from : undefined, new Date(now.getTime() - 7 * 86_400_000)));
      setTo(toInput(custom ? value.to : undefined, now));
    }
    setOpen(next);
  };

  const segment = (active: boolean) =>
    `h-7 rounded-md px-2.5 text-sm font-medium transition ${
      active ? 'bg-background text-fg shadow-sm' : 'text-muted hover:text-fg'
    }`;

  return (
    <div className="flex items-center gap-1 rounded-lg border border-border bg-surface p-0.5" role="group" aria-label="Time range">
      {RANGE_PRESETS.map((preset) => (
        <button
          key={preset}
          type="button"
          data-testid={`range-${preset}`}
          aria-pressed={value.kind === 'preset' && value.preset === preset}
          className={segment(value.kind === 'preset' && value.preset === preset)}
          onClick={() => onChange({ kind: 'preset', preset })}
        >
          {preset}
        </button>
      ))}
      <Popover
        open={open}
        onOpenChange={openCustom}
        width="w-72"
        trigger={
          <button
            type="button"
            data-testid="range-custom"
            aria-pressed={custom}
            className={`${segment(custom)} inline-flex items-center gap-1.5`}
            onClick={() => openCustom(!open)}
          >
            <Icon name="calendar" className="h-3.5 w-3.5" />
            {custom ? `${format(new Date(value.from), 'MMM d')} – ${format(new Date(value.to), 'MMM d')}` : 'Custom'}
          </button>
        }
      >
        <form
          className="flex flex-col gap-2 p-1"
          onSubmit={(event) => {
            event.preventDefault();
            if (!valid) return;
            onChange({ kind: 'custom', from: fromDate.toISOString(), to: toDate.toISOString() });
            setOpen(false);
          }}
        >
          <label className="flex flex-col gap-1 text-xs text-muted">
            From
            <input
              type="datetime-local"
              data-testid="range-from"
              value={from}
              onChange={(e) => setFrom(e.target.value)}
              className="h-8 rounded-md border border-border bg-background px-2 text-sm text-fg"
            />
          </label>
          <label className="flex flex-col gap-1 text-xs text-muted">
            To
            <input
              type="datetime-local"
              data-testid="range-to"
              value={to}
              onChange={(e) => setTo(e.target.value)}
              className="h-8 rounded-md border border-border bg-background px-2 text-sm text-fg"
            />
          </label>
          {!valid && <p className="text-xs text-danger">“From” must be before “To”.</p>}
          <button
            type="submit"
            disabled={!valid}
            className="mt-1 h-8 rounded-md bg-primary text-sm font-medium text-white hover:opacity-90 disabled:opacity-50"
          >
            Apply
          </button>
        </form>
      </Popover>
    </div>
  );
}
