// The leaderboards: top users (or teams) by the chosen figure, with the change against the
// previous period. A header sorts (the server ranks); a row adds its user or team to the filters.
import { useState } from 'react';
import type { LeaderboardSort, UserActivity } from '../../../api/types';
import { Card } from '../../../components/ui/Card';
import { EmptyState } from '../../../components/ui/EmptyState';
import { TONE_TEXT } from '../../../components/ui/Tone';
import type { Dimension } from '../../filters/lib/filters';
import { COLUMNS, teamRows, userRows } from '../lib/leaderboard';

interface LeaderboardProps {
  activity: UserActivity | undefined;
  sort: LeaderboardSort;
  onSort: (sort: LeaderboardSort) => void;
  onPick: (dim: Dimension, value: string) => void;
}

export function Leaderboard({ activity, sort, onSort, onPick }: LeaderboardProps) {
  const [tab, setTab] = useState<'user' | 'team'>('user');
  if (!activity) return <div className="h-96 animate-pulse rounded-xl border border-border bg-background" aria-busy="true" />;
  const rows = tab === 'user' ? userRows(activity.top_users.rows) : teamRows(activity.teams);
  return (
    <Card data-testid="leaderboard" className="flex flex-col p-4">
      <header className="mb-3 flex flex-wrap items-center gap-2">
        <div className="min-w-0">
          <h3 className="text-sm font-semibold text-fg">Leaderboard</h3>
          <p className="text-xs text-muted">
            Top {tab === 'user' ? 'users' : 'teams'} by {sort}; click a row to filter by it
            <span className="sm:hidden"> (wider screens show every column)</span>
          </p>
        </div>
        <div role="tablist" className="ml-auto flex rounded-lg border border-border p-0.5 text-sm">
          {(['user', 'team'] as const).map((value) => (
            <button
              key={value}
              type="button"
              role="tab"
              aria-selected={tab === value}
              onClick={() => setTab(value)}
              className={`rounded-md px-2.5 py-1 ${tab === value ? 'bg-primary/10 font-medium text-primary' : 'text-muted hover:text-fg'}`}
            >
              {value === 'user' ? 'Users' : 'Teams'}
            </button>
          ))}
        </div>
      </header>
      {rows.length === 0 ? (
        <EmptyState compact icon="users" title="Nobody made a call in this time range." hint="Widen the time range or clear filters." />
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full text-sm sm:min-w-[560px]" data-testid={`leaderboard-${tab}s`}>
            <thead>
              <tr className="border-b border-border text-left text-xs text-muted">
                <th className="w-8 py-2 font-medium">#</th>
                <th className="py-2 font-medium">{tab === 'user' ? 'User' : 'Team'}</th>
                {COLUMNS.map((column) => (
                  <th
                    key={column.sort}
                    className={`py-2 text-right font-medium ${sort === column.sort ? '' : 'hidden sm:table-cell'}`}
                    aria-sort={sort === column.sort ? 'descending' : 'none'}
                  >
                    <button
                      type="button"
                      onClick={() => onSort(column.sort)}
                      className={`inline-flex items-center gap-1 hover:text-fg ${sort === column.sort ? 'text-primary' : ''}`}
                      data-testid={`sort-${column.sort}`}
                    >
                      {column.label}
                      {sort === column.sort && <span aria-hidden="true">▼</span>}
                    </button>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((row, idx) => (
                <tr
                  key={row.key}
                  onClick={() => row.name !== null && onPick(tab, row.name)}
                  onKeyDown={(event) => event.key === 'Enter' && row.name !== null && onPick(tab, row.name)}
                  tabIndex={row.name !== null ? 0 : undefined}
                  className={`border-b border-border/60 last:border-0 ${row.name !== null ? 'cursor-pointer hover:bg-surface' : ''}`}
                  data-testid="leaderboard-row"
                  title={row.name !== null ? `Filter by ${tab} ${row.name}` : undefined}
                >
                  <td className="py-2 text-xs text-muted tabular-nums">{idx + 1}</td>
                  <td className="max-w-[16rem] py-2">
                    <span className="block truncate font-medium text-fg">{row.label}</span>
                    <span className="block truncate text-xs text-muted">{row.detail}</span>
                  </td>
                  {row.cells.map((cell, cellIdx) => (
                    <td
                      key={cellIdx}
                      className={`py-2 pl-2 text-right tabular-nums ${COLUMNS[cellIdx]!.sort === sort ? '' : 'hidden sm:table-cell'}`}
                      title={cell.previous}
                    >
                      <span className="block text-fg">{cell.value}</span>
                      <span className={`block text-xs ${TONE_TEXT[cell.tone]}`}>{cell.change}</span>
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}
