// A collapsible section of a dashboard: a heading that opens and closes what is under it. The
// open/closed state is remembered per section id in localStorage, so a section the user closed
// stays closed on the next visit. Printing (Ctrl+P) shows every section, open or not.
import { useState, type ReactNode } from 'react';
import { Icon } from './Icon';

const storageKey = (id: string) => `mltrack.section.${id}`;

/** Whether section `id` was left open (default: open). Storage errors count as open. */
export function readSectionOpen(id: string): boolean {
  try {
    return window.localStorage.getItem(storageKey(id)) !== 'closed';
  } catch {
    return true;
  }
}

export function writeSectionOpen(id: string, open: boolean): void {
  try {
    if (open) window.localStorage.removeItem(storageKey(id));
    else window.localStorage.setItem(storageKey(id), 'closed');
  } catch {
    // Private mode or a full quota: the state is simply not remembered.
  }
}

interface SectionProps {
  id: string;
  title: string;
  description?: string;
  children: ReactNode;
}

export function Section({ id, title, description, children }: SectionProps) {
  const [open, setOpen] = useState(() => readSectionOpen(id));
  const toggle = () => {
    writeSectionOpen(id, !open);
    setOpen(!open);
  };
  const bodyId = `section-${id}-body`;
  return (
    <section data-testid={`section-${id}`} data-open={open} className="flex flex-col gap-3">
      <h2 className="flex items-center gap-2">
        <button
          type="button"
          onClick={toggle}
          aria-expanded={open}
          aria-controls={bodyId}
          className="-ml-1 flex items-center gap-1.5 rounded-md px-1 py-0.5 text-sm font-semibold text-fg hover:bg-surface focus-visible:outline-2 focus-visible:outline-primary"
        >
          <Icon name="chevron" className={`h-4 w-4 shrink-0 text-muted transition-transform ${open ? '' : '-rotate-90'}`} />
          {title}
        </button>
        {description && <span className="hidden truncate text-xs text-muted sm:inline">{description}</span>}
      </h2>
      <div id={bodyId} className={open ? '' : 'hidden print:block'}>
        {children}
      </div>
    </section>
  );
}
