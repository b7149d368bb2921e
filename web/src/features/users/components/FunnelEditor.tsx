// The funnel's step editor: steps in order (each `<field>:<value>`), the window, Apply. Steps are
// checked before they are sent, against the store's fields, so a typo never fails the page.
import { useMemo, useState } from 'react';
import { Card } from '../../../components/ui/Card';
import { Icon } from '../../../components/ui/Icon';
import { useFields } from '../../../hooks/useFields';
import { MAX_STEPS, WINDOWS, stepProblem, type UsersView } from '../lib/params';

interface FunnelEditorProps {
  view: UsersView;
  onApply: (view: UsersView) => void;
}

const input =
  'h-8 min-w-0 rounded-lg border border-border bg-background px-2 text-sm text-fg placeholder:text-muted focus-visible:outline-2 focus-visible:outline-primary';

function Draft({ view, onApply }: FunnelEditorProps) {
  const fields = useFields();
  const dimensions = useMemo(
    () => (fields.data ? new Set(fields.data.fields.filter((f) => f.dimension).map((f) => f.name)) : undefined),
    [fields.data],
  );
  const [steps, setSteps] = useState<string[]>(view.steps.length > 0 ? view.steps : ['', '']);
  const [window, setWindow] = useState(view.window);
  const problems = steps.map((step) => (step.trim() === '' ? 'Empty step' : stepProblem(step.trim(), dimensions)));
  const valid = steps.length >= 2 && problems.every((problem) => problem === null);
  const tagHint = fields.data?.tag_keys.length ? `tags: ${fields.data.tag_keys.slice(0, 6).join(', ')}` : '';

  return (
    <form
      className="flex flex-wrap items-start gap-2"
      aria-label="Funnel steps"
      onSubmit={(event) => {
        event.preventDefault();
        if (valid) onApply({ ...view, steps: steps.map((s) => s.trim()), window });
      }}
    >
      {steps.map((step, idx) => (
        <div key={idx} className="flex items-center gap-1">
          {idx > 0 && <Icon name="chevron" className="h-4 w-4 -rotate-90 text-muted" />}
          <label className="flex flex-col">
            <span className="sr-only">Step {idx + 1}</span>
            <input
              className={`${input} w-44 ${problems[idx] && step !== '' ? 'border-danger' : ''}`}
              value={step}
              placeholder={idx === 0 ? 'tags.step:search' : 'operation:chat'}
              title={problems[idx] ?? `Step ${idx + 1}`}
              aria-invalid={problems[idx] !== null && step !== ''}
              data-testid={`funnel-step-${idx}`}
              onChange={(event) => setSteps(steps.map((s, i) => (i === idx ? event.target.value : s)))}
            />
          </label>
          {steps.length > 2 && (
            <button
              type="button"
              aria-label={`Remove step ${idx + 1}`}
              className="grid h-7 w-7 place-items-center rounded-md text-muted hover:bg-surface hover:text-fg"
              onClick={() => setSteps(steps.filter((_, i) => i !== idx))}
            >
              <Icon name="x" />
            </button>
          )}
        </div>
      ))}
      {steps.length < MAX_STEPS && (
        <button
          type="button"
          className="h-8 rounded-lg border border-dashed border-border px-2 text-sm text-muted hover:text-fg"
          onClick={() => setSteps([...steps, ''])}
        >
          + Step
        </button>
      )}
      <label className="flex items-center gap-1 text-sm text-muted">
        within
        <select className={input} value={window} onChange={(event) => setWindow(event.target.value)} data-testid="funnel-window">
          {[...new Set([...WINDOWS, window])].map((w) => (
            <option key={w} value={w}>
              {w}
            </option>
          ))}
        </select>
      </label>
      <button
        type="submit"
        disabled={!valid}
        className="h-8 rounded-lg bg-primary px-3 text-sm font-medium text-white hover:opacity-90 disabled:opacity-50"
      >
        Apply
      </button>
      <p className="basis-full text-xs text-muted" data-testid="funnel-hint">
        {problems.find((p, i) => p !== null && steps[i] !== '') ?? `Each step is field:value, e.g. tags.step:answer or operation:chat${tagHint ? ` (${tagHint})` : ''}.`}
      </p>
    </form>
  );
}

export function FunnelEditor({ view, onApply }: FunnelEditorProps) {
  return (
    <Card className="p-3">
      {/* Remount on a new URL state, so the draft follows Back/Forward. */}
      <Draft key={`${view.steps.join(',')}|${view.window}`} view={view} onApply={onApply} />
    </Card>
  );
}
