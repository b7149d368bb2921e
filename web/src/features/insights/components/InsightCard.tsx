// One insight: severity and kind, the recommendation, its monthly saving, the figures behind it
// and a link into the dashboard that shows it (filtered, with the page's time range).
import type { Insight } from '../../../api/types';
import { Card } from '../../../components/ui/Card';
import { linkClick } from '../../../app/router';
import { formatUsd } from '../../../lib/format';
import type { Filters } from '../../filters/lib/filters';
import { formatFigure, insightHref, KIND_LABEL, SEVERITY_LABEL, type Severity } from '../lib/insights';

const SEVERITY_PILL: Record<Severity, string> = {
  critical: 'bg-danger/10 text-danger',
  warning: 'bg-warning/15 text-warning',
  info: 'bg-primary/10 text-primary',
};

export function InsightCard({ insight, filters }: { insight: Insight; filters: Filters }) {
  const href = insightHref(insight.link, filters);
  return (
    <Card data-testid="insight-card" data-insight-id={insight.id} className="flex flex-col gap-3 p-4">
      <header className="flex flex-wrap items-start gap-x-3 gap-y-1">
        <div className="min-w-0 flex-1">
          <div className="mb-1 flex flex-wrap items-center gap-1.5 text-xs">
            <span className={`rounded-full px-2 py-0.5 font-medium ${SEVERITY_PILL[insight.severity]}`}>
              {SEVERITY_LABEL[insight.severity]}
            </span>
            <span className="rounded-full bg-neutral/10 px-2 py-0.5 text-muted">{KIND_LABEL[insight.kind]}</span>
          </div>
          <h3 className="text-sm font-semibold break-words text-fg">{insight.title}</h3>
        </div>
        <div className="shrink-0 text-right">
          <div
            data-testid="insight-saving"
            className={`text-lg font-semibold tabular-nums ${insight.monthly_saving_usd === null ? 'text-muted' : 'text-success'}`}
          >
            {insight.monthly_saving_usd === null ? '—' : formatUsd(insight.monthly_saving_usd)}
          </div>
          <div className="text-xs text-muted">{insight.monthly_saving_usd === null ? 'no direct saving' : 'per month'}</div>
        </div>
      </header>
      <p className="text-sm text-muted">{insight.detail}</p>
      <dl className="grid grid-cols-1 gap-x-4 gap-y-1 text-xs sm:grid-cols-2">
        {insight.evidence.map((figure) => (
          <div key={figure.label} className="flex min-w-0 justify-between gap-2 border-b border-border/60 py-0.5">
            <dt className="truncate text-muted" title={figure.label}>
              {figure.label}
            </dt>
            <dd className="shrink-0 font-medium text-fg tabular-nums">{formatFigure(figure)}</dd>
          </div>
        ))}
      </dl>
      <a
        href={href}
        onClick={linkClick(href, false)}
        className="self-start rounded-md text-xs font-medium text-primary hover:underline focus-visible:outline-2 focus-visible:outline-primary"
      >
        Open in the dashboard →
      </a>
    </Card>
  );
}
