// The report builder's controls: metrics, group-by, time bucket and chart type. Filters and the
// time range are the global filter bar's.
import { useState } from 'react';
import { Card } from '../../../components/ui/Card';
import { useFields } from '../../../hooks/useFields';
import { AGGREGATE_CHOICES, fieldChoices, fieldsFor, type AggregateChoice } from '../lib/fieldChoices';
import { BUCKET_LABELS, BUCKETS, CHARTS, MAX_GROUP_BY, metricLabel, metricName, type BuilderState } from '../lib/spec';
import { buttonClass, Chips, selectClass } from './Chips';

interface Props {
  state: BuilderState;
  onChange: (next: BuilderState) => void;
}

function Label({ children, htmlFor }: { children: string; htmlFor?: string }) {
  return (
    <label htmlFor={htmlFor} className="text-xs font-semibold tracking-wide text-muted uppercase">
      {children}
    </label>
  );
}

export function BuilderControls({ state, onChange }: Props) {
  const fields = useFields();
  const choices = fieldChoices(fields.data);
  const [aggregate, setAggregate] = useState<AggregateChoice>('p95');
  const options = fieldsFor(aggregate, choices);
  const [field, setField] = useState('latency_ms');
  const chosenField = options.includes(field) ? field : (options[0] ?? '');
  const candidate = metricName(aggregate, chosenField);
  const groupChoices = choices.dimensions.filter((d) => !state.groupBy.includes(d));

  return (
    <Card className="flex flex-col gap-4 p-4" data-testid="builder-controls">
      <div className="flex flex-col gap-2">
        <Label htmlFor="metric-aggregate">Metrics</Label>
        <Chips items={state.metrics} label={metricLabel} onRemove={(m) => onChange({ ...state, metrics: state.metrics.filter((x) => x !== m) })} />
        <div className="flex flex-wrap items-center gap-1.5">
          <select id="metric-aggregate" aria-label="Aggregate" className={selectClass} value={aggregate} onChange={(e) => setAggregate(e.target.value as AggregateChoice)}>
            {AGGREGATE_CHOICES.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
          {aggregate !== 'count' && (
            <select aria-label="Field" className={`${selectClass} flex-1`} value={chosenField} onChange={(e) => setField(e.target.value)}>
              {options.map((f) => (
                <option key={f} value={f}>
                  {f}
                </option>
              ))}
            </select>
          )}
          <button
            type="button"
            className={buttonClass}
            disabled={state.metrics.includes(candidate) || (aggregate !== 'count' && chosenField === '')}
            onClick={() => onChange({ ...state, metrics: [...state.metrics, candidate] })}
          >
            Add metric
          </button>
        </div>
      </div>

      <div className="flex flex-col gap-2">
        <Label htmlFor="group-by">Group by</Label>
        <Chips items={state.groupBy} label={(g) => g} onRemove={(g) => onChange({ ...state, groupBy: state.groupBy.filter((x) => x !== g) })}>
          {state.groupBy.length < MAX_GROUP_BY && (
            <select
              id="group-by"
              aria-label="Add a group-by dimension"
              className={selectClass}
              value=""
              onChange={(e) => e.target.value && onChange({ ...state, groupBy: [...state.groupBy, e.target.value] })}
            >
              <option value="">+ dimension</option>
              {groupChoices.map((d) => (
                <option key={d} value={d}>
                  {d}
                </option>
              ))}
            </select>
          )}
        </Chips>
      </div>

      <div className="flex flex-col gap-2">
        <Label htmlFor="bucket">Time bucket</Label>
        <select
          id="bucket"
          className={selectClass}
          value={state.bucket}
          disabled={state.chart === 'pie'}
          title={state.chart === 'pie' ? 'A pie shows the whole range' : undefined}
          onChange={(e) => onChange({ ...state, bucket: e.target.value })}
        >
          {BUCKETS.map((b) => (
            <option key={b} value={b}>
              {BUCKET_LABELS[b]}
            </option>
          ))}
        </select>
      </div>

      <div className="flex flex-col gap-2">
        <Label>Chart</Label>
        <div role="radiogroup" aria-label="Chart type" className="grid grid-cols-3 gap-1">
          {CHARTS.map((chart) => (
            <button
              key={chart.id}
              type="button"
              role="radio"
              aria-checked={state.chart === chart.id}
              onClick={() => onChange({ ...state, chart: chart.id })}
              className={`h-8 rounded-lg border px-1 text-xs font-medium ${
                state.chart === chart.id ? 'border-primary bg-primary/10 text-primary' : 'border-border text-fg hover:bg-surface'
              }`}
            >
              {chart.label}
            </button>
          ))}
        </div>
      </div>
    </Card>
  );
}
