// Every metric of an A/B comparison: both sides, the difference with its interval, the test,
// the Holm-adjusted p-value and the minimum detectable effect at these sample sizes.
import type { AbComparison, AbMetric } from '../../../api/types';
import { formatInteger } from '../../../lib/format';
import { formatValue } from '../lib/metrics';

function Side({ metric, which }: { metric: AbMetric; which: 'a' | 'b' }) {
  const s = metric[which];
  const rate = 'rate' in s;
  return (
    <>
      {rate ? formatValue('ratio', s.rate) : `${formatValue(metric.unit, s.mean)} ± ${formatValue(metric.unit, s.sd)}`}
      <span className="block text-[11px] text-muted">
        {rate ? `${formatInteger(s.successes)} of ${formatInteger(s.n)}` : `n ${formatInteger(s.n)}`}
      </span>
    </>
  );
}

function percent(value: number | null, unit: 'pp' | '%'): string {
  if (value === null || !Number.isFinite(value)) return '—';
  const v = value * 100;
  const text = Math.abs(v) < 10 ? Math.abs(v).toFixed(1) : Math.abs(v).toFixed(0);
  return `${v > 0 ? '+' : v < 0 ? '−' : ''}${text}${unit === '%' ? '%' : ' pp'}`;
}

function difference(metric: AbMetric): string {
  const rate = metric.metric.startsWith('rate:');
  const change = rate ? metric.diff : metric.rel_diff;
  const ci = rate ? metric.ci95 : metric.rel_ci95;
  const unit = rate ? 'pp' : '%';
  if (change === null) return '—';
  return `${percent(change, unit)}${ci ? ` [${percent(ci[0], unit)}, ${percent(ci[1], unit)}]` : ''}`;
}

function pText(p: number | null): string {
  if (p === null) return '—';
  return p < 0.001 ? '< 0.001' : p.toFixed(3);
}

const th = 'whitespace-nowrap px-3 py-2 text-left text-[11px] font-medium uppercase tracking-wide text-muted';
const td = 'whitespace-nowrap px-3 py-1.5 align-top text-sm tabular-nums text-fg';

export function AbTable({ comparison }: { comparison: AbComparison }) {
  return (
    <div className="overflow-x-auto rounded-lg border border-border" data-testid="ab-table">
      <table className="min-w-full">
        <thead>
          <tr>
            <th className={th}>Metric</th>
            <th className={th}>A · {comparison.a.value}</th>
            <th className={th}>B · {comparison.b.value}</th>
            <th className={th}>B vs A [95% CI]</th>
            <th className={th}>Test</th>
            <th className={th}>p (Holm)</th>
            <th className={th} title="The smallest true difference these sample sizes detect with 80 % power at α = 0.05">
              MDE
            </th>
          </tr>
        </thead>
        <tbody>
          {comparison.metrics.map((metric) => (
            <tr key={metric.metric} className="border-t border-border" data-testid={`ab-row-${metric.metric}`}>
              <td className={td}>
                {metric.label}
                {metric.significant && (
                  <span className="ml-2 rounded-full bg-primary/15 px-1.5 py-0.5 text-[10px] font-semibold text-primary">significant</span>
                )}
              </td>
              <td className={td}>
                <Side metric={metric} which="a" />
              </td>
              <td className={td}>
                <Side metric={metric} which="b" />
              </td>
              <td className={td}>{difference(metric)}</td>
              <td className={`${td} text-muted`}>{metric.test.replace(/_/g, ' ')}</td>
              <td className={td}>{pText(metric.p_adjusted)}</td>
              <td className={td}>
                {metric.metric.startsWith('rate:') ? percent(metric.mde, 'pp') : metric.mde_rel === null ? '—' : `±${percent(metric.mde_rel, '%').replace(/^[+−]/, '')}`}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
