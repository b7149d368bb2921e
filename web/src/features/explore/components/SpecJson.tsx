// The report's definition: the QuerySpec the preview runs, as JSON to copy into POST /api/v1/query.
import { useState } from 'react';
import type { QuerySpec } from '../../../api/types';
import { Card } from '../../../components/ui/Card';
import { Icon } from '../../../components/ui/Icon';

export function SpecJson({ spec }: { spec: QuerySpec }) {
  const [copied, setCopied] = useState(false);
  const text = JSON.stringify(spec, null, 2);
  return (
    <Card className="flex flex-col p-4" data-testid="spec-json">
      <div className="mb-2 flex items-center justify-between gap-2">
        <h3 className="text-sm font-semibold text-fg">
          QuerySpec <span className="font-normal text-muted">· POST /api/v1/query</span>
        </h3>
        <button
          type="button"
          className="flex items-center gap-1 rounded-md px-2 py-1 text-xs text-muted hover:bg-surface hover:text-fg"
          onClick={() => {
            void navigator.clipboard?.writeText(text).then(() => setCopied(true), () => setCopied(false));
          }}
        >
          <Icon name="copy" className="h-3.5 w-3.5" />
          {copied ? 'Copied' : 'Copy'}
        </button>
      </div>
      <pre className="max-h-64 overflow-auto rounded-lg bg-surface p-3 text-xs leading-relaxed text-fg">{text}</pre>
    </Card>
  );
}
