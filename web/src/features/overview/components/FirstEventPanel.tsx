// Shown when the store holds no event at all: how to send the first one.
import { useMemo, useState } from 'react';
import { Card } from '../../../components/ui/Card';
import { Icon } from '../../../components/ui/Icon';
import { README_URL, firstEventCurl } from '../lib/firstEvent';

export function FirstEventPanel({ onSent }: { onSent: () => void }) {
  const command = useMemo(() => firstEventCurl(window.location.origin, new Date()), []);
  const [copied, setCopied] = useState(false);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(command);
    } catch {
      // Clipboard API needs a secure context; fall back to selecting the text for Ctrl+C.
      const range = document.createRange();
      const node = document.getElementById('first-event-command');
      if (node) {
        range.selectNodeContents(node);
        window.getSelection()?.removeAllRanges();
        window.getSelection()?.addRange(range);
      }
    }
    setCopied(true);
    window.setTimeout(() => setCopied(false), 2000);
  };

  return (
    <Card data-testid="first-event" className="mx-auto max-w-3xl p-8">
      <div className="flex items-center gap-3">
        <span className="grid h-10 w-10 place-items-center rounded-xl bg-primary/10 text-primary">
          <Icon name="activity" className="h-5 w-5" />
        </span>
        <div>
          <h2 className="text-lg font-semibold text-fg">No events yet</h2>
          <p className="text-sm text-muted">This MLtrack server has not received any LLM call. Send one to see the dashboard.</p>
        </div>
      </div>

      <ol className="mt-6 space-y-4 text-sm text-fg">
        <li>
          <p className="font-medium">1. Send your first event</p>
          <div className="relative mt-2 rounded-lg border border-border bg-surface">
            <pre
              id="first-event-command"
              data-testid="first-event-command"
              className="overflow-x-auto p-3 pr-24 font-mono text-xs leading-relaxed whitespace-pre-wrap break-all text-fg"
            >
              {command}
            </pre>
            <button
              type="button"
              onClick={copy}
              className="absolute top-2 right-2 inline-flex items-center gap-1 rounded-md border border-border bg-background px-2 py-1 text-xs text-fg hover:bg-surface"
            >
              <Icon name="copy" className="h-3.5 w-3.5" />
              {copied ? 'Copied' : 'Copy'}
            </button>
          </div>
        </li>
        <li>
          <p className="font-medium">2. Refresh the dashboard</p>
          <button
            type="button"
            onClick={onSent}
            className="mt-2 inline-flex items-center gap-2 rounded-lg bg-primary px-3 py-1.5 text-sm font-medium text-white hover:opacity-90"
          >
            <Icon name="refresh" className="h-4 w-4" /> I sent it — refresh
          </button>
        </li>
      </ol>

      <p className="mt-6 text-sm text-muted">
        Batches, NDJSON, the event schema and importing existing data are explained in the{' '}
        <a href={README_URL} target="_blank" rel="noreferrer" className="font-medium text-primary hover:underline">
          README
        </a>
        . To explore with sample traffic, restart the server with <code className="font-mono text-xs">--demo</code>.
      </p>
    </Card>
  );
}
