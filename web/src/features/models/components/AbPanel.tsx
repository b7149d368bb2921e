// The A/B panel: pick a dimension and two of its values (by default the pair that ran side by side
// the longest, over the days both ran), read the verdict, see every metric's difference with its
// 95 % interval, and the table of means, tests, p-values and minimum detectable effects.
import { format } from 'date-fns';
import { lazy, Suspense, useMemo, useState } from 'react';
import { Card } from '../../../components/ui/Card';
import { EmptyState } from '../../../components/ui/EmptyState';
import { MultiSelect } from '../../../components/ui/MultiSelect';
import { useFields } from '../../../hooks/useFields';
import type { Filters } from '../../filters/lib/filters';
import { useAbCandidates, useAbTest, type AbChoice } from '../hooks/useAbTest';
import { abPeriod } from '../lib/abCandidates';
import { rangeBounds } from '../lib/range';
import { AbTable } from './AbTable';

const AbForest = lazy(() => import('./AbForest').then((m) => ({ default: m.AbForest })));

const BASE_DIMENSIONS = ['prompt_version', 'model', 'experiment', 'prompt_name', 'provider', 'team'];

function Select(props: { id: string; label: string; value: string; options: string[]; onChange: (value: string) => void }) {
  const [open, setOpen] = useState(false);
  return (
    <MultiSelect
      id={props.id}
      label={props.label}
      single
      selected={props.value ? [props.value] : []}
      onChange={([value]) => value && props.onChange(value)}
      options={props.options.map((value) => ({ value }))}
      open={open}
      onOpenChange={setOpen}
    />
  );
}

export function AbPanel({ filters }: { filters: Filters }) {
  const [dimension, setDimension] = useState('prompt_version');
  const [picked, setPicked] = useState<{ a: string; b: string } | null>(null);
  const fields = useFields();
  const candidates = useAbCandidates(filters, dimension);
  const dimensions = [...BASE_DIMENSIONS, ...(fields.data?.tag_keys ?? []).map((key) => `tags.${key}`)];

  const choice: AbChoice | null = useMemo(() => {
    const data = candidates.data;
    if (!data) return null;
    const pair = picked ?? (data.pair ? { a: data.pair.a, b: data.pair.b } : null);
    if (!pair) return null;
    const auto = !picked || (data.pair && data.pair.a === pair.a && data.pair.b === pair.b) ? data.pair : null;
    const [start, end] = rangeBounds(filters.range, candidates.dataUpdatedAt);
    return { dimension, ...pair, ...abPeriod(auto, start, end) };
  }, [candidates.data, candidates.dataUpdatedAt, picked, dimension, filters.range]);
  const ab = useAbTest(filters, choice);
  const values = candidates.data?.values ?? [];

  let body;
  if (candidates.isError || ab.isError) {
    const error = candidates.error ?? ab.error;
    body = <EmptyState icon="alert" title="Could not run the A/B test" hint={error instanceof Error ? error.message : String(error)} />;
  } else if (candidates.data && !choice) {
    body = (
      <EmptyState
        icon="beaker"
        title={`No two values of ${dimension} to compare`}
        hint="An A/B test needs two values of the dimension with calls in this time range, e.g. two prompt versions running side by side."
      />
    );
  } else if (!ab.data) {
    body = <div className="h-64 animate-pulse rounded-lg bg-surface" aria-busy="true" />;
  } else {
    const data = ab.data;
    body = (
      <div className={`flex flex-col gap-4 transition-opacity ${ab.isFetching ? 'opacity-60' : ''}`}>
        <p data-testid="ab-verdict" className="rounded-lg bg-primary/10 px-3 py-2 text-sm font-medium text-fg">
          {data.verdict}
        </p>
        <p className="text-xs text-muted" data-testid="ab-period">
          {data.dimension} <b className="text-fg">{data.a.value}</b> (A, {data.a.calls.toLocaleString('en-US')} calls) vs{' '}
          <b className="text-fg">{data.b.value}</b> (B, {data.b.calls.toLocaleString('en-US')} calls) ·{' '}
          {format(new Date(data.range.from), 'MMM d, HH:mm')} – {format(new Date(data.range.to), 'MMM d, HH:mm')}
          {choice && (choice.from !== null || choice.to !== null) ? ' (the days both ran)' : ''} · Welch's t-test for means, z or Fisher's exact test for
          rates; p-values Holm-adjusted.
        </p>
        <Suspense fallback={<div className="h-80 animate-pulse rounded-xl border border-border bg-background" />}>
          <AbForest comparison={data} />
        </Suspense>
        <AbTable comparison={data} />
      </div>
    );
  }

  return (
    <Card className="flex flex-col gap-4 p-4" data-testid="ab-panel">
      <header className="flex flex-wrap items-end gap-2">
        <div className="mr-auto min-w-0">
          <h2 className="text-base font-semibold text-fg">A/B test</h2>
          <p className="text-xs text-muted">Is the difference between two variants real? Same filters as above.</p>
        </div>
        <Select
          id="ab-dimension"
          label="Dimension"
          value={dimension}
          options={dimensions}
          onChange={(next) => {
            setDimension(next);
            setPicked(null);
          }}
        />
        <Select id="ab-a" label="A" value={choice?.a ?? ''} options={values} onChange={(a) => setPicked({ a, b: choice?.b ?? '' })} />
        <Select id="ab-b" label="B" value={choice?.b ?? ''} options={values} onChange={(b) => setPicked({ a: choice?.a ?? '', b })} />
      </header>
      {body}
    </Card>
  );
}
