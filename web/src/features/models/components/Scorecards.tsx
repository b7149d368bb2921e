// The per-model figures as a table: cost per 1K tokens (list input/output, observed blended),
// latency and TTFT percentiles, tokens/s, error rate with its Wilson interval, cache hit rate,
// and the quality score with its interval.
import type { ComparedModel, ModelComparison } from '../../../api/types';
import { Card } from '../../../components/ui/Card';
import { formatCompact, formatInteger } from '../../../lib/format';
import { formatValue, qualityScore, scoreLabel } from '../lib/metrics';

function Interval({ unit, ci }: { unit: string; ci: [number, number] | null }) {
  if (!ci) return null;
  return (
    <span className="block text-[11px] text-muted">
      {formatValue(unit, ci[0])} – {formatValue(unit, ci[1])}
    </span>
  );
}

const th = 'whitespace-nowrap px-3 py-2 text-left text-[11px] font-medium uppercase tracking-wide text-muted';
const td = 'whitespace-nowrap px-3 py-2 align-top text-sm tabular-nums text-fg';

function Row({ model, quality, color }: { model: ComparedModel; quality: string | null; color: string }) {
  const score = qualityScore(model, quality);
  return (
    <tr className="border-t border-border" data-testid={`scorecard-${model.model}`}>
      <td className={`${td} sticky left-0 bg-background`}>
        <span className="flex items-center gap-2 font-medium">
          <span className="h-2.5 w-2.5 shrink-0 rounded-full" style={{ background: color }} />
          {model.model}
        </span>
        <span className="block pl-4.5 text-[11px] text-muted">{model.provider || 'no provider'}</span>
      </td>
      <td className={td}>{formatInteger(model.calls)}</td>
      <td className={td} data-testid="blended-cost">
        {formatValue('usd', model.cost_per_1k_usd.blended)}
        <span className="block text-[11px] text-muted">
          list {formatValue('usd', model.cost_per_1k_usd.input)} in · {formatValue('usd', model.cost_per_1k_usd.output)} out
        </span>
      </td>
      <td className={td}>
        {score ? score.mean.toFixed(3) : '—'}
        <Interval unit="score" ci={score?.ci95 ?? null} />
        {score && <span className="block text-[11px] text-muted">n {formatCompact(score.n)}</span>}
      </td>
      <td className={td}>
        {formatValue('ms', model.latency_ms.p50)} / {formatValue('ms', model.latency_ms.p95)}
        <span className="block text-[11px] text-muted">p99 {formatValue('ms', model.latency_ms.p99)}</span>
      </td>
      <td className={td}>{formatValue('ms', model.ttft_ms.p50)}</td>
      <td className={td}>{formatValue('tokens_per_s', model.tokens_per_s)}</td>
      <td className={td}>
        {formatValue('ratio', model.error_rate.value)}
        <Interval unit="ratio" ci={model.error_rate.ci95} />
      </td>
      <td className={td}>{formatValue('ratio', model.cache_hit_rate)}</td>
    </tr>
  );
}

export const cellClasses = { th, td };

export function Scorecards({ comparison, colors }: { comparison: ModelComparison; colors: Map<string, string> }) {
  return (
    <Card className="overflow-hidden" data-testid="scorecards">
      <header className="px-4 pt-4">
        <h3 className="text-sm font-semibold text-fg">Scorecards</h3>
        <p className="text-xs text-muted">
          Blended cost is what the calls cost per 1K tokens; list prices are the catalogue's. Intervals are 95 %: t for
          score means, Wilson for error rates.
        </p>
      </header>
      <div className="mt-2 overflow-x-auto">
        <table className="min-w-full">
          <thead>
            <tr>
              <th className={`${th} sticky left-0 bg-background`}>Model</th>
              <th className={th}>Calls</th>
              <th className={th}>Cost / 1K</th>
              <th className={th}>{scoreLabel(comparison.quality)}</th>
              <th className={th}>Latency p50 / p95</th>
              <th className={th}>TTFT p50</th>
              <th className={th}>Tokens / s</th>
              <th className={th}>Errors</th>
              <th className={th}>Cache hits</th>
            </tr>
          </thead>
          <tbody>
            {comparison.models.map((model) => (
              <Row key={model.model} model={model} quality={comparison.quality} color={colors.get(model.model) ?? ''} />
            ))}
          </tbody>
        </table>
      </div>
    </Card>
  );
}
