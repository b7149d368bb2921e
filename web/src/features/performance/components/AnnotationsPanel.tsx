// The annotations of the range (deploys, incidents, config changes) with a form to add one and a
// button to delete each. The charts above draw them; adding or deleting refreshes the dashboard.
import { useState, type FormEvent } from 'react';
import { format } from 'date-fns';
import type { Annotation, AnnotationKind } from '../../../api/types';
import { Card } from '../../../components/ui/Card';
import { EmptyState } from '../../../components/ui/EmptyState';
import { Icon } from '../../../components/ui/Icon';
import { useTheme } from '../../../hooks/useTheme';
import { useAnnotationMutations } from '../hooks/usePerformance';
import { ANNOTATION_KINDS, ANNOTATION_LABELS, annotationColor, annotationInput, annotationMeta, type AnnotationDraft } from '../lib/annotations';

const field = 'rounded-lg border border-border bg-background px-2 py-1.5 text-sm text-fg focus-visible:outline-2 focus-visible:outline-primary';

function emptyDraft(): AnnotationDraft {
  return { ts: format(Date.now(), "yyyy-MM-dd'T'HH:mm"), end: '', text: '', kind: 'deploy', scope: '' };
}

function AnnotationForm({ onDone }: { onDone: () => void }) {
  const { create } = useAnnotationMutations();
  const [draft, setDraft] = useState<AnnotationDraft>(emptyDraft);
  const [error, setError] = useState<string | null>(null);
  const set = (patch: Partial<AnnotationDraft>) => setDraft((d) => ({ ...d, ...patch }));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = annotationInput(draft);
    if ('error' in parsed) {
      setError(parsed.error);
      return;
    }
    setError(null);
    create.mutate(parsed.input, {
      onSuccess: () => {
        setDraft(emptyDraft());
        onDone();
      },
      onError: (cause) => setError(cause instanceof Error ? cause.message : String(cause)),
    });
  };

  return (
    <form data-testid="annotation-form" onSubmit={submit} className="grid grid-cols-1 gap-2 rounded-lg bg-surface p-3 sm:grid-cols-2" noValidate>
      <label className="flex flex-col gap-1 text-[11px] uppercase tracking-wide text-muted sm:col-span-2">
        What happened
        <input
          data-testid="annotation-text"
          className={field}
          value={draft.text}
          maxLength={1000}
          placeholder="Gateway v2.15 deployed"
          onChange={(e) => set({ text: e.target.value })}
        />
      </label>
      <label className="flex flex-col gap-1 text-[11px] uppercase tracking-wide text-muted">
        Kind
        <select data-testid="annotation-kind" className={field} value={draft.kind} onChange={(e) => set({ kind: e.target.value as AnnotationKind })}>
          {ANNOTATION_KINDS.map((kind) => (
            <option key={kind} value={kind}>
              {ANNOTATION_LABELS[kind]}
            </option>
          ))}
        </select>
      </label>
      <label className="flex flex-col gap-1 text-[11px] uppercase tracking-wide text-muted">
        Scope (optional)
        <input className={field} value={draft.scope} placeholder="provider=anthropic" onChange={(e) => set({ scope: e.target.value })} />
      </label>
      <label className="flex flex-col gap-1 text-[11px] uppercase tracking-wide text-muted">
        When
        <input data-testid="annotation-ts" type="datetime-local" className={field} value={draft.ts} onChange={(e) => set({ ts: e.target.value })} />
      </label>
      <label className="flex flex-col gap-1 text-[11px] uppercase tracking-wide text-muted">
        Until (optional)
        <input type="datetime-local" className={field} value={draft.end} onChange={(e) => set({ end: e.target.value })} />
      </label>
      {error && (
        <p role="alert" className="text-xs text-danger sm:col-span-2">
          {error}
        </p>
      )}
      <div className="flex gap-2 sm:col-span-2">
        <button
          type="submit"
          disabled={create.isPending}
          className="rounded-lg bg-primary px-3 py-1.5 text-sm font-medium text-white hover:opacity-90 disabled:opacity-60"
        >
          {create.isPending ? 'Saving…' : 'Save annotation'}
        </button>
        <button type="button" onClick={onDone} className="rounded-lg border border-border px-3 py-1.5 text-sm text-muted hover:text-fg">
          Cancel
        </button>
      </div>
    </form>
  );
}

export function AnnotationsPanel({ annotations }: { annotations: Annotation[] | undefined }) {
  const { palette } = useTheme();
  const { remove } = useAnnotationMutations();
  const [adding, setAdding] = useState(false);
  const list = [...(annotations ?? [])].sort((a, b) => b.ts - a.ts);

  return (
    <Card data-testid="annotations-panel" className="flex min-h-80 flex-col gap-3 p-4">
      <header className="flex items-start gap-2">
        <div className="min-w-0">
          <h3 className="text-sm font-semibold text-fg">Annotations</h3>
          <p className="text-xs text-muted">Deploys, incidents and config changes in this range, drawn on the time charts</p>
        </div>
        {!adding && (
          <button
            type="button"
            data-testid="annotation-add"
            onClick={() => setAdding(true)}
            className="ml-auto shrink-0 rounded-lg border border-border px-2.5 py-1 text-xs font-medium text-fg hover:bg-surface"
          >
            Add
          </button>
        )}
      </header>
      {adding && <AnnotationForm onDone={() => setAdding(false)} />}
      {annotations === undefined && <div className="h-40 w-full animate-pulse rounded-lg bg-surface" />}
      {annotations !== undefined && list.length === 0 && !adding && (
        <EmptyState compact icon="tag" title="No annotations in this range" hint="Add one to mark a deploy or an incident on every chart." />
      )}
      <ul className="flex max-h-72 flex-col gap-2 overflow-auto">
        {list.map((annotation) => (
          <li key={annotation.id} data-testid="annotation-item" className="flex items-start gap-2 rounded-lg border border-border p-2">
            <span className="mt-1.5 h-2 w-2 shrink-0 rounded-full" style={{ background: annotationColor(annotation.kind, palette) }} />
            <div className="min-w-0 flex-1">
              <p className="text-sm text-fg">{annotation.text}</p>
              <p className="text-[11px] text-muted">{annotationMeta(annotation)}</p>
            </div>
            <button
              type="button"
              aria-label={`Delete annotation ${annotation.text}`}
              disabled={remove.isPending}
              onClick={() => remove.mutate(annotation.id)}
              className="grid h-7 w-7 shrink-0 place-items-center rounded-md text-muted hover:bg-surface hover:text-danger"
            >
              <Icon name="x" />
            </button>
          </li>
        ))}
      </ul>
    </Card>
  );
}
