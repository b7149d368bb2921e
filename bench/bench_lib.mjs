// Shared by bench/bench.mjs and bench/duckdb/run.mjs: how a query of bench/queries.json is bound
// to the generated data (bench/gen_events.cc writes meta.json), and small statistics helpers.
const DAY_MS = 86_400_000;

// [from, to) in epoch ms: the last 30 or 7 days before the data's end, or all of it.
export function windowOf(query, meta) {
  if (query.window === 'all') return { from: meta.min_ts, to: meta.max_ts + 1 };
  const days = Number(String(query.window).replace(/d$/, ''));
  return { from: meta.end_ms - days * DAY_MS, to: meta.end_ms };
}

export function bindQuery(text, query, meta) {
  const { from, to } = windowOf(query, meta);
  return text.replaceAll('{FROM}', String(from)).replaceAll('{TO}', String(to))
    .replaceAll('{NEEDLE_USER}', meta.needle_user);
}

// The QuerySpec sent to MLtrack: the query's spec with its window as epoch ms.
export function specOf(query, meta) {
  const { from, to } = windowOf(query, meta);
  return { from, to, ...JSON.parse(bindQuery(JSON.stringify(query.spec), query, meta)) };
}

// Linear interpolation between closest ranks (numpy's default), as the server computes p<N>.
export function quantile(values, q) {
  const sorted = values.filter((v) => v !== null && Number.isFinite(v)).sort((a, b) => a - b);
  if (!sorted.length) return null;
  const h = q * (sorted.length - 1);
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}
