// Which two values of a dimension make an A/B test: the pair that ran side by side the longest.
// Input: a query grouped by day and the dimension ({bucket: "1d", group_by: [dim], metrics:
// ["count"]}). A version that replaced another shares at most its switch-over day with it; two
// arms of a running test share every day of the test. So the pair with the most common days
// wins (then the most calls), and the period both ran is the comparison's time range, so the
// sides cover the same days.
import type { QueryResult } from '../../../api/types';

export interface AbCandidate {
  a: string;
  b: string;
  /** First and last day (epoch ms, bucket starts) on which both had calls; `to` is exclusive. */
  from: number;
  to: number;
  days: number;
}

const DAY_MS = 86_400_000;

/** The values of the dimension, most calls first. */
export function dimensionValues(result: QueryResult, dimension: string): string[] {
  const valueIdx = result.columns.indexOf(dimension);
  const countIdx = result.columns.indexOf('count');
  const totals = new Map<string, number>();
  for (const row of result.rows) {
    const value = row[valueIdx];
    if (typeof value !== 'string' || value === '') continue;
    totals.set(value, (totals.get(value) ?? 0) + Number(row[countIdx] ?? 0));
  }
  return [...totals.entries()].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1)).map(([value]) => value);
}

export function pickAbPair(result: QueryResult, dimension: string, maxValues = 12): AbCandidate | null {
  const tIdx = result.columns.indexOf('t');
  const valueIdx = result.columns.indexOf(dimension);
  const countIdx = result.columns.indexOf('count');
  if (tIdx < 0 || valueIdx < 0) return null;
  const days = new Map<string, Map<number, number>>();
  for (const row of result.rows) {
    const value = row[valueIdx];
    if (typeof value !== 'string' || value === '') continue;
    const perDay = days.get(value) ?? new Map<number, number>();
    perDay.set(Number(row[tIdx]), Number(row[countIdx] ?? 0));
    days.set(value, perDay);
  }
  const values = dimensionValues(result, dimension).slice(0, maxValues);
  let best: (AbCandidate & { calls: number }) | null = null;
  for (let i = 0; i < values.length; i++) {
    for (let j = i + 1; j < values.length; j++) {
      const first = days.get(values[i]!)!;
      const second = days.get(values[j]!)!;
      const shared = [...first.keys()].filter((t) => second.has(t)).sort((x, y) => x - y);
      if (shared.length === 0) continue;
      const calls = shared.reduce((n, t) => n + first.get(t)! + second.get(t)!, 0);
      if (!best || shared.length > best.days || (shared.length === best.days && calls > best.calls)) {
        // A is the value that existed first (the control); B the newer one.
        const firstSeen = (m: Map<number, number>) => Math.min(...m.keys());
        const [a, b] = firstSeen(first) <= firstSeen(second) ? [values[i]!, values[j]!] : [values[j]!, values[i]!];
        best = { a, b, from: shared[0]!, to: shared[shared.length - 1]! + DAY_MS, days: shared.length, calls };
      }
    }
  }
  if (!best) return null;
  const { calls: _calls, ...candidate } = best;
  return candidate;
}

/**
 * The time range to compare a pair over: from the first day both ran (when that is later than the
 * range's start), to the range's end unless the pair stopped at least a day before it. `now` is
 * when the candidates were loaded, so the result is stable between renders.
 */
export function abPeriod(
  candidate: AbCandidate | null,
  rangeStart: number,
  rangeEnd: number,
): { from: number | null; to: number | null } {
  if (!candidate) return { from: null, to: null };
  return {
    from: candidate.from > rangeStart ? candidate.from : null,
    to: candidate.to < rangeEnd - DAY_MS ? candidate.to : null,
  };
}
