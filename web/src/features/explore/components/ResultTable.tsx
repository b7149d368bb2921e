// The preview's table: every column of the query answer, the first rows (the CSV export has them all).
import { format } from 'date-fns';
import type { Cell, QueryResult } from '../../../api/types';
import { Card } from '../../../components/ui/Card';

export const TABLE_ROWS = 200;

function show(column: string, cell: Cell): string {
  if (cell === null) return '—';
  if (column === 't' && typeof cell === 'number') return format(cell, 'yyyy-MM-dd HH:mm');
  if (typeof cell === 'number') {
    if (column.includes('cost_usd')) return `$${cell.toLocaleString('en-US', { maximumFractionDigits: 4 })}`;
    if (column.startsWith('rate:')) return `${(cell * 100).toFixed(2)}%`;
    return cell.toLocaleString('en-US', { maximumFractionDigits: 2 });
  }
  return Array.isArray(cell) ? cell.join(', ') : String(cell);
}

export function ResultTable({ result }: { result: QueryResult }) {
  const rows = result.rows.slice(0, TABLE_ROWS);
  return (
    <Card className="flex flex-col p-4" data-testid="result-table" data-print-block="">
      <div className="mb-2 flex flex-wrap items-baseline justify-between gap-2">
        <h3 className="text-sm font-semibold text-fg">Table</h3>
        <p className="text-xs text-muted">
          {result.rows.length.toLocaleString('en-US')} rows{result.rows.length > TABLE_ROWS ? `, the first ${TABLE_ROWS} shown` : ''}
          {result.limit?.truncated ? ` · cut at the limit of ${result.limit.applied} (${result.limit.total_groups} groups)` : ''} · {result.stats.scanned.toLocaleString('en-US')} events
          scanned in {result.stats.elapsed_ms.toFixed(1)} ms
        </p>
      </div>
      <div className="max-h-96 overflow-auto">
        <table className="w-full border-collapse text-sm tabular-nums">
          <thead className="sticky top-0 bg-background">
            <tr>
              {result.columns.map((column) => (
                <th key={column} scope="col" className="border-b border-border px-2 py-1.5 text-left text-xs font-semibold whitespace-nowrap text-muted">
                  {column}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row, idx) => (
              <tr key={idx} className="border-b border-border/60 last:border-0">
                {row.map((cell, col) => (
                  <td key={col} className="px-2 py-1 whitespace-nowrap text-fg">
                    {show(result.columns[col]!, cell)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Card>
  );
}
