// The filter bar's time range as epoch ms bounds, at a given "now" (presets are relative).
import type { TimeRange } from '../../filters/lib/filters';

const UNIT_MS: Record<string, number> = { h: 3_600_000, d: 86_400_000 };

export function rangeBounds(range: TimeRange, now: number): [number, number] {
  if (range.kind === 'custom') return [Date.parse(range.from), Date.parse(range.to)];
  const match = /^(\d+)([hd])$/.exec(range.preset);
  const length = match ? Number(match[1]) * UNIT_MS[match[2]!]! : 30 * 86_400_000;
  return [now - length, now];
}
