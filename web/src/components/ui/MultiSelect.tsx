// A multi-select dropdown with search. Options are loaded by the owner when the dropdown opens
// (`onOpenChange`), so a closed dropdown costs no query.
import { useState } from 'react';
import { formatCompact } from '../../lib/format';
import { Icon } from './Icon';
import { Popover } from './Popover';

export interface SelectOption {
  value: string;
  count?: number;
}

interface MultiSelectProps {
  id: string;
  label: string;
  selected: string[];
  onChange: (values: string[]) => void;
  options: SelectOption[] | undefined;
  loading?: boolean;
  error?: string;
  open: boolean;
  onOpenChange: (open: boolean) => void;
  /** Single choice: picking a value closes the dropdown and replaces the selection. */
  single?: boolean;
  disabled?: boolean;
  searchPlaceholder?: string;
}

const triggerClass =
  'inline-flex h-8 items-center gap-1.5 rounded-lg border px-2.5 text-sm transition focus-visible:outline-2 focus-visible:outline-primary disabled:opacity-50';

export function MultiSelect(props: MultiSelectProps) {
  const { id, label, selected, onChange, options, loading, error, open, onOpenChange, single, disabled, searchPlaceholder } = props;
  const [search, setSearch] = useState('');
  const active = selected.length > 0;
  const needle = search.trim().toLowerCase();
  // Chosen values stay listed even when the current time range no longer has them.
  const all: SelectOption[] = [
    ...selected.filter((v) => !options?.some((o) => o.value === v)).map((value) => ({ value })),
    ...(options ?? []),
  ];
  const shown = needle ? all.filter((o) => o.value.toLowerCase().includes(needle)) : all;

  const toggle = (value: string) => {
    if (single) {
      onChange([value]);
      onOpenChange(false);
      return;
    }
    onChange(selected.includes(value) ? selected.filter((v) => v !== value) : [...selected, value]);
  };

  const summary = !active ? label : selected.length === 1 ? `${label}: ${selected[0]}` : `${label}: ${selected.length}`;

  return (
    <Popover
      open={open}
      onOpenChange={onOpenChange}
      trigger={
        <button
          type="button"
          data-testid={`filter-${id}`}
          disabled={disabled}
          aria-haspopup="listbox"
          aria-expanded={open}
          onClick={() => onOpenChange(!open)}
          className={`${triggerClass} max-w-56 ${
            active ? 'border-primary/40 bg-primary/10 text-primary' : 'border-border bg-background text-fg hover:bg-surface'
          }`}
        >
          <span className="truncate">{summary}</span>
          <Icon name="chevron" className="h-3.5 w-3.5 shrink-0 opacity-60" />
        </button>
      }
    >
      <div className="flex items-center gap-2 rounded-lg border border-border px-2">
        <Icon name="search" className="h-3.5 w-3.5 text-muted" />
        <input
          autoFocus
          value={search}
          onChange={(event) => setSearch(event.target.value)}
          placeholder={searchPlaceholder ?? `Search ${label.toLowerCase()}…`}
          className="h-8 w-full bg-transparent text-sm text-fg outline-none placeholder:text-muted"
        />
      </div>
      <ul role="listbox" aria-multiselectable={!single} className="mt-2 max-h-64 overflow-y-auto">
        {loading && <li className="px-2 py-3 text-center text-xs text-muted">Loading…</li>}
        {error && <li className="px-2 py-3 text-center text-xs text-danger">{error}</li>}
        {!loading && !error && shown.length === 0 && (
          <li className="px-2 py-3 text-center text-xs text-muted">
            {needle ? 'No match.' : 'No values in this time range.'}
          </li>
        )}
        {shown.map((option) => {
          const checked = selected.includes(option.value);
          return (
            <li key={option.value}>
              <button
                type="button"
                role="option"
                aria-selected={checked}
                data-testid={`option-${id}`}
                onClick={() => toggle(option.value)}
                className="flex w-full items-center gap-2 rounded-md px-2 py-1.5 text-left text-sm text-fg hover:bg-surface"
              >
                {!single && (
                  <span
                    className={`grid h-4 w-4 shrink-0 place-items-center rounded border ${
                      checked ? 'border-primary bg-primary text-white' : 'border-border'
                    }`}
                  >
                    {checked && (
                      <svg viewBox="0 0 12 12" className="h-3 w-3" aria-hidden="true">
                        <path d="M2.5 6.5l2.5 2.5 4.5-5" fill="none" stroke="currentColor" strokeWidth="1.8" />
                      </svg>
                    )}
                  </span>
                )}
                <span className="flex-1 truncate" title={option.value}>
                  {option.value}
                </span>
                {option.count !== undefined && <span className="tabular text-xs text-muted">{formatCompact(option.count)}</span>}
              </button>
            </li>
          );
        })}
      </ul>
      {!single && active && (
        <div className="mt-2 border-t border-border pt-2 text-right">
          <button type="button" onClick={() => onChange([])} className="text-xs text-muted hover:text-fg">
            Clear
          </button>
        </div>
      )}
    </Popover>
  );
}
