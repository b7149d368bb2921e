// The global filter bar: time range, one dropdown per dimension, tag key → value, and chips of
// what is active. Every change goes to the URL (useUrlFilters), which every dashboard reads.
import { useState, type ReactNode } from 'react';
import { FilterBar } from '../../../components/ui/FilterBar';
import { Icon } from '../../../components/ui/Icon';
import { MultiSelect } from '../../../components/ui/MultiSelect';
import { useFilterOptions, useTagKeys } from '../hooks/useFilterOptions';
import {
  DEFAULT_FILTERS,
  DIMENSION_LABELS,
  DIMENSIONS,
  activeFilterCount,
  type Dimension,
  type Filters,
} from '../lib/filters';
import { TimeRangePicker } from './TimeRangePicker';

interface GlobalFilterBarProps {
  filters: Filters;
  onChange: (filters: Filters) => void;
  trailing?: ReactNode;
}

function errorText(error: unknown): string | undefined {
  return error ? `Could not load values: ${error instanceof Error ? error.message : String(error)}` : undefined;
}

function DimensionSelect({ dim, filters, onChange }: { dim: Dimension; filters: Filters; onChange: (f: Filters) => void }) {
  const [open, setOpen] = useState(false);
  const options = useFilterOptions(filters, dim, open);
  return (
    <MultiSelect
      id={dim}
      label={DIMENSION_LABELS[dim]}
      selected={filters.dims[dim]}
      onChange={(values) => onChange({ ...filters, dims: { ...filters.dims, [dim]: values } })}
      options={options.data}
      loading={options.isLoading}
      error={errorText(options.error)}
      open={open}
      onOpenChange={setOpen}
    />
  );
}

function TagSelect({ filters, onChange }: { filters: Filters; onChange: (f: Filters) => void }) {
  const [keyOpen, setKeyOpen] = useState(false);
  const [valueOpen, setValueOpen] = useState(false);
  const [key, setKey] = useState<string | null>(null);
  const keys = useTagKeys(keyOpen);
  const values = useFilterOptions(filters, `tags.${key ?? ''}`, valueOpen && key !== null);

  return (
    <div className="flex items-center gap-1">
      <MultiSelect
        id="tag-key"
        label="Tag"
        searchPlaceholder="Search tag keys…"
        single
        selected={key ? [key] : []}
        onChange={([picked]) => {
          setKey(picked ?? null);
          if (picked) setValueOpen(true);
        }}
        options={keys.data?.map((value) => ({ value }))}
        loading={keys.isLoading}
        error={errorText(keys.error)}
        open={keyOpen}
        onOpenChange={setKeyOpen}
      />
      {key && (
        <MultiSelect
          id="tag-value"
          label={`${key} =`}
          searchPlaceholder={`Search values of ${key}…`}
          single
          selected={[]}
          onChange={([value]) => {
            if (value === undefined) return;
            const exists = filters.tags.some((t) => t.key === key && t.value === value);
            if (!exists) onChange({ ...filters, tags: [...filters.tags, { key, value }] });
            setKey(null);
          }}
          options={values.data}
          loading={values.isLoading}
          error={errorText(values.error)}
          open={valueOpen}
          onOpenChange={setValueOpen}
        />
      )}
    </div>
  );
}

function Chip({ label, onRemove }: { label: string; onRemove: () => void }) {
  return (
    <span className="inline-flex items-center gap-1 rounded-full bg-primary/10 py-0.5 pr-1 pl-2.5 text-xs font-medium text-primary">
      {label}
      <button
        type="button"
        onClick={onRemove}
        aria-label={`Remove filter ${label}`}
        className="grid h-4 w-4 place-items-center rounded-full hover:bg-primary/20"
      >
        <Icon name="x" className="h-3 w-3" />
      </button>
    </span>
  );
}

export function GlobalFilterBar({ filters, onChange, trailing }: GlobalFilterBarProps) {
  const count = activeFilterCount(filters);
  const chips =
    count === 0 ? undefined : (
      <>
        {DIMENSIONS.flatMap((dim) =>
          filters.dims[dim].map((value) => (
            <Chip
              key={`${dim}:${value}`}
              label={`${DIMENSION_LABELS[dim]}: ${value}`}
              onRemove={() =>
                onChange({ ...filters, dims: { ...filters.dims, [dim]: filters.dims[dim].filter((v) => v !== value) } })
              }
            />
          )),
        )}
        {filters.tags.map((tag) => (
          <Chip
            key={`tag:${tag.key}:${tag.value}`}
            label={`${tag.key}: ${tag.value}`}
            onRemove={() => onChange({ ...filters, tags: filters.tags.filter((t) => t !== tag) })}
          />
        ))}
        <button
          type="button"
          data-testid="clear-filters"
          onClick={() => onChange({ ...DEFAULT_FILTERS, range: filters.range })}
          className="ml-1 text-xs text-muted underline-offset-2 hover:text-fg hover:underline"
        >
          Clear all
        </button>
      </>
    );

  return (
    <FilterBar chips={chips} trailing={trailing}>
      <TimeRangePicker value={filters.range} onChange={(range) => onChange({ ...filters, range })} />
      <span className="mx-1 hidden h-5 w-px bg-border sm:block" />
      {DIMENSIONS.map((dim) => (
        <DimensionSelect key={dim} dim={dim} filters={filters} onChange={onChange} />
      ))}
      <TagSelect filters={filters} onChange={onChange} />
    </FilterBar>
  );
}
