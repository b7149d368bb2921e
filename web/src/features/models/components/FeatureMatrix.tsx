// Feature support per model: context window, vision, tools and reasoning as the price catalogue
// states them ("unknown" where it says nothing; it never says "no"), reasoning also when calls
// reported reasoning tokens, and streaming as the selected events show it.
import type { ModelComparison } from '../../../api/types';
import { Card } from '../../../components/ui/Card';
import { formatCompact, formatRatio } from '../../../lib/format';
import { cellClasses } from './Scorecards';

const { th, td } = cellClasses;

function Support({ value, title }: { value: string; title?: string }) {
  const yes = value === 'yes';
  return (
    <span
      title={title}
      className={`inline-flex rounded-full px-2 py-0.5 text-[11px] font-medium ${yes ? 'bg-success/15 text-success' : 'bg-surface text-muted'}`}
    >
      {value === 'not_observed' ? 'not seen' : value}
    </span>
  );
}

export function FeatureMatrix({ comparison, colors }: { comparison: ModelComparison; colors: Map<string, string> }) {
  return (
    <Card className="overflow-hidden" data-testid="feature-matrix">
      <header className="px-4 pt-4">
        <h3 className="text-sm font-semibold text-fg">Feature support</h3>
        <p className="text-xs text-muted">
          From the price catalogue where it states a feature ("unknown" otherwise); reasoning also from calls that reported
          reasoning tokens; streaming from the events in range.
        </p>
      </header>
      <div className="mt-2 overflow-x-auto">
        <table className="min-w-full">
          <thead>
            <tr>
              <th className={`${th} sticky left-0 bg-background`}>Model</th>
              <th className={th}>Context window</th>
              <th className={th}>Vision</th>
              <th className={th}>Tools</th>
              <th className={th}>Reasoning</th>
              <th className={th}>Streaming</th>
            </tr>
          </thead>
          <tbody>
            {comparison.models.map(({ model, features }) => (
              <tr key={model} className="border-t border-border" data-testid={`features-${model}`}>
                <td className={`${td} sticky left-0 bg-background`}>
                  <span className="flex items-center gap-2 font-medium">
                    <span className="h-2.5 w-2.5 shrink-0 rounded-full" style={{ background: colors.get(model) }} />
                    {model}
                  </span>
                  {!features.in_catalogue && <span className="block pl-4.5 text-[11px] text-muted">not in the price catalogue</span>}
                </td>
                <td className={td}>{features.context_window ? `${formatCompact(features.context_window)} tokens` : <Support value="unknown" />}</td>
                <td className={td}>
                  <Support value={features.vision} />
                </td>
                <td className={td}>
                  <Support value={features.tools} />
                </td>
                <td className={td}>
                  <Support value={features.reasoning} />
                </td>
                <td className={td}>
                  <Support
                    value={features.streaming}
                    title={features.streaming_share === null ? undefined : `${formatRatio(features.streaming_share)} of calls streamed`}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Card>
  );
}
