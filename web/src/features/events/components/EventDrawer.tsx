// Every field of one event, its tags and scores, with links to its trace and session.
import { useEffect } from 'react';
import type { StoredEvent } from '../../../api/types';
import { Icon } from '../../../components/ui/Icon';
import { hrefKeepingFilters, linkClick } from '../../../app/router';
import { detailFields, eventTitle } from '../lib/search';

interface EventDrawerProps {
  event: StoredEvent;
  onClose: () => void;
}

function Pairs({ title, pairs, testId }: { title: string; pairs: [string, string][]; testId: string }) {
  return (
    <section data-testid={testId}>
      <h3 className="mb-1 text-xs font-semibold uppercase tracking-wide text-muted">{title}</h3>
      {pairs.length === 0 ? (
        <p className="text-sm text-muted">none</p>
      ) : (
        <dl className="grid grid-cols-[minmax(6rem,auto)_1fr] gap-x-3 gap-y-1 text-sm">
          {pairs.map(([key, value]) => (
            <div key={key} className="contents">
              <dt className="truncate font-mono text-xs leading-5 text-muted">{key}</dt>
              <dd className="break-all text-fg">{value}</dd>
            </div>
          ))}
        </dl>
      )}
    </section>
  );
}

export function EventDrawer({ event, onClose }: EventDrawerProps) {
  useEffect(() => {
    const onKey = (key: KeyboardEvent) => key.key === 'Escape' && onClose();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);

  return (
    <div className="fixed inset-0 z-40 flex justify-end bg-black/30" onClick={onClose}>
      <aside
        role="dialog"
        aria-label="Event details"
        data-testid="event-drawer"
        onClick={(click) => click.stopPropagation()}
        className="flex h-full w-full max-w-md flex-col gap-4 overflow-y-auto border-l border-border bg-surface p-5 shadow-xl"
      >
        <header className="flex items-start justify-between gap-3">
          <div className="min-w-0">
            <h2 className="truncate text-base font-semibold text-fg">{eventTitle(event)}</h2>
            <p className="text-xs text-muted">{event.time}</p>
          </div>
          <button type="button" onClick={onClose} aria-label="Close" className="rounded-lg p-1 text-muted hover:bg-background hover:text-fg">
            <Icon name="x" className="h-5 w-5" />
          </button>
        </header>
        <dl className="grid grid-cols-[minmax(7rem,auto)_1fr] gap-x-3 gap-y-1.5 text-sm" data-testid="event-fields">
          {detailFields(event).map((field) => (
            <div key={field.label} className="contents">
              <dt className="text-muted">{field.label}</dt>
              <dd className="break-all text-fg">
                {field.href ? (
                  <a href={hrefKeepingFilters(field.href)} onClick={linkClick(field.href)} className="font-medium text-primary hover:underline">
                    {field.value}
                  </a>
                ) : (
                  field.value
                )}
              </dd>
            </div>
          ))}
        </dl>
        <Pairs title="Tags" testId="event-tags" pairs={Object.entries(event.tags ?? {})} />
        <Pairs title="Scores" testId="event-scores" pairs={Object.entries(event.scores ?? {}).map(([name, value]) => [name, String(value)])} />
      </aside>
    </div>
  );
}
