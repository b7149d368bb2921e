// Prepare layer of the leaderboards (users and teams): the four figures formatted, each with its
// change against the previous period and a tone (more cost or errors is bad news).
import type { LeaderboardSort, TeamLeaderRow, UsageWithPrevious, UserLeaderRow } from '../../../api/types';
import { changeTone, formatChange, formatCompact, formatUsd, type Polarity, type Tone } from '../../../lib/format';

export const COLUMNS: { sort: LeaderboardSort; label: string; polarity: Polarity }[] = [
  { sort: 'calls', label: 'Calls', polarity: 'neutral' },
  { sort: 'tokens', label: 'Tokens', polarity: 'neutral' },
  { sort: 'cost', label: 'Cost', polarity: 'up-bad' },
  { sort: 'errors', label: 'Errors', polarity: 'up-bad' },
];

export interface CellView {
  value: string;
  change: string;
  tone: Tone;
  previous: string;
}

export interface LeaderRowView {
  key: string;
  /** What a click adds to the filter bar; null for "(no team)". */
  name: string | null;
  label: string;
  detail: string;
  cells: CellView[];
}

function figure(row: UsageWithPrevious, sort: LeaderboardSort): { now: number | null; before: number | null; pct: number | null } {
  switch (sort) {
    case 'calls': return { now: row.calls, before: row.previous.calls, pct: row.change_pct.calls };
    case 'tokens': return { now: row.tokens, before: row.previous.tokens, pct: row.change_pct.tokens };
    case 'errors': return { now: row.errors, before: row.previous.errors, pct: row.change_pct.errors };
    default: return { now: row.cost_usd, before: row.previous.cost_usd, pct: row.change_pct.cost_usd };
  }
}

function cells(row: UsageWithPrevious): CellView[] {
  return COLUMNS.map(({ sort, polarity }) => {
    const { now, before, pct } = figure(row, sort);
    const text = sort === 'cost' ? formatUsd : formatCompact;
    return {
      value: sort === 'cost' && now === null ? 'unpriced' : text(now),
      change: before === null || before === 0 ? (now ? 'new' : '') : formatChange(pct),
      tone: changeTone(pct, polarity),
      previous: `Previous period: ${sort === 'cost' && before === null ? '—' : text(before)}`,
    };
  });
}

export function userRows(rows: UserLeaderRow[]): LeaderRowView[] {
  return rows.map((row) => ({ key: row.user, name: row.user, label: row.user, detail: row.team ?? '', cells: cells(row) }));
}

export function teamRows(rows: TeamLeaderRow[]): LeaderRowView[] {
  return rows.map((row) => ({
    key: row.team ?? '(no team)',
    name: row.team,
    label: row.team ?? '(no team)',
    detail: `${formatCompact(row.users)} users`,
    cells: cells(row),
  }));
}
