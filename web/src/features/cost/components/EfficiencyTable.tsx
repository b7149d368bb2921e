// Token efficiency per model as a table (the chart beside it splits input and output): cost per
// 1K tokens, output/input ratio, cached share and what prompt caching saved. Unpriced models say so.
import type { ModelEfficiency } from '../../../api/types';
import { Card } from '../../../components/ui/Card';
import { formatUsd } from '../../../lib/format';
import { efficiencyRows, totalCachingSaved } from '../lib/efficiency';

export function EfficiencyTable({ models }: { models: ModelEfficiency[] }) {
  const rows = efficiencyRows(models);
  const saved = totalCachingSaved(models);
  return (
    <Card data-testid="efficiency-table" className="flex h-96 flex-col p-4">
      <header className="mb-2 flex items-baseline gap-2">
        <h3 className="text-sm font-semibold text-fg">Token efficiency</h3>
        {saved !== null && (
          <p data-testid="caching-saved" className="ml-auto text-xs text-muted">
            Prompt caching saved <b className="text-success">{formatUsd(saved)}</b>
          </p>
        )}
      </header>
      {rows.length === 0 ? (
        <p className="m-auto text-sm text-muted">No model calls in this time range.</p>
      ) : (
        <div className="min-h-0 flex-1 overflow-auto">
          <table className="w-full text-xs tabular-nums">
            <thead className="sticky top-0 bg-background text-muted">
              <tr className="text-right">
                <th className="py-1 pr-2 text-left font-medium">Model</th>
                <th className="px-2 font-medium">Cost</th>
                <th className="px-2 font-medium" title="Cost per 1K tokens, input and output together">/1K</th>
                <th className="px-2 font-medium" title="Output tokens per input token">Out/in</th>
                <th className="px-2 font-medium" title="Share of input tokens read from the prompt cache">Cached</th>
                <th className="pl-2 font-medium" title="Cached tokens at the input price minus what they cost">Saved</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.key} className="border-t border-border text-right text-fg">
                  <td className="max-w-[10rem] truncate py-1.5 pr-2 text-left" title={`${row.provider} / ${row.model}`}>
                    {row.model}
                    <span className="block text-[10px] text-muted">{row.provider}</span>
                  </td>
                  <td className={`px-2 ${row.unpriced ? 'text-warning' : ''}`}>{row.cost}</td>
                  <td className="px-2">{row.per1k}</td>
                  <td className="px-2">{row.ratio}</td>
                  <td className="px-2">{row.cachedShare}</td>
                  <td className="pl-2 text-success">{row.saved}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}
