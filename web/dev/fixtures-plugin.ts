// Dev only (MLTRACK_FIXTURES=1 npm run dev): answers the API with hand-made JSON in the shapes of
// docs/api.md, for working on the UI without a server. No committed test uses it.
// MLTRACK_FIXTURES_MODE=empty serves an empty store; =error makes the overview fail.
import type { Plugin } from 'vite';

const DAY = 86_400_000;
const MODELS: [string, string, number][] = [
  ['gpt-4o', 'openai', 0.31],
  ['gpt-4o-mini', 'openai', 0.24],
  ['claude-3-5-sonnet', 'anthropic', 0.17],
  ['claude-3-5-haiku', 'anthropic', 0.1],
  ['gemini-1.5-pro', 'google', 0.07],
  ['o3-mini', 'openai', 0.05],
  ['mistral-large', 'mistral', 0.03],
  ['llama-3.1-70b', 'groq', 0.02],
  ['command-r', 'cohere', 0.01],
];

function rand(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 1664525 + 1013904223) % 4294967296) / 4294967296);
}

function overview(search: URLSearchParams, empty: boolean) {
  const r = rand(42 + search.toString().length);
  const rangeDays = { 'now-24h': 1, 'now-7d': 7, 'now-30d': 30, 'now-90d': 90 }[search.get('from') ?? 'now-30d'] ?? 30;
  const filtered = [...search.keys()].some((k) => !['from', 'to'].includes(k));
  const scale = filtered ? 0.3 : 1;
  const to = Math.floor(Date.now() / 3_600_000) * 3_600_000;
  const from = to - rangeDays * DAY;
  const bucketMs = rangeDays <= 1 ? 3_600_000 : DAY;
  const cost_trend = [];
  const status_over_time = [];
  for (let t = from; t < to; t += bucketMs) {
    const gap = !empty && Math.abs(t - (from + 8 * bucketMs)) < 1; // one bucket without events
    const weekday = new Date(t).getUTCDay();
    const base = (weekday === 0 || weekday === 6 ? 22 : 41) * (bucketMs / DAY) * scale;
    const spike = Math.abs(t - (to - 6 * bucketMs)) < 1 ? 3 : 1;
    const cost = empty || gap ? null : +(base * spike * (0.85 + r() * 0.3)).toFixed(4);
    cost_trend.push({ t, cost_usd: cost, rolling_30d: empty ? null : +(base * 0.95).toFixed(4) });
    if (!empty && !gap) {
      const n = Math.round(cost! * 600);
      const err = Math.round(n * (0.01 + r() * 0.03) * spike);
      status_over_time.push({ t, ok: n - err, error: err, error_rate: +(err / n).toFixed(4) });
    }
  }
  const total = empty ? 0 : Math.round(812345 * scale * (rangeDays / 30));
  const card = (value: number | null, previous: number | null) => ({
    value,
    previous,
    change_pct: value === null || !previous ? null : +(((value - previous) / previous) * 100).toFixed(2),
  });
  const bounds = [0, 100, 200, 300, 400, 500, 750, 1000, 1500, 2000, 3000, 5000, 7500, 10000, 20000];
  const histogram = empty
    ? []
    : bounds.slice(0, -1).map((lo, idx) => ({
        lo,
        hi: bounds[idx + 1]!,
        count: Math.round(total * Math.exp(-((Math.log(lo + 50) - Math.log(700)) ** 2) / 0.9) * 0.2),
      }));
  return {
    range: {
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      previous_from: new Date(from - (to - from)).toISOString(),
      previous_to: new Date(from).toISOString(),
      bucket: bucketMs === DAY ? '1d' : '1h',
      bucket_ms: bucketMs,
    },
    demo: !empty,
    total_events: total,
    unpriced_events: empty ? 0 : 120,
    cards: {
      experiments: card(empty ? 0 : 6, empty ? 0 : 6),
      runs: card(empty ? 0 : Math.round(5120 * scale), 4800),
      cost_usd: {
        ...card(empty ? 0 : +(1234.56 * scale).toFixed(2), 1100.2),
        daily: empty ? 0 : 40.1,
        weekly: empty ? 0 : 290.3,
        monthly: empty ? 0 : 1234.56,
      },
      avg_latency_ms: { ...card(empty ? null : 850.2, 900.1), p95: empty ? null : 2400 },
      success_rate: { ...card(empty ? null : 0.973, 0.969), baseline: empty ? null : 0.968 },
      active_users: card(empty ? 0 : Math.round(84 * scale), 80),
      tokens: {
        ...card(empty ? 0 : Math.round(91234567 * scale), 88000000),
        input: empty ? 0 : 70000000,
        output: empty ? 0 : 21234567,
        cost_per_1k_tokens: empty ? null : 0.0135,
      },
    },
    cost_trend,
    model_usage: empty
      ? []
      : MODELS.map(([model, provider, share]) => ({
          model,
          provider,
          count: Math.round(total * share),
          share,
          cost_usd: model === 'command-r' ? null : +(1234.56 * share * scale).toFixed(2),
        })),
    latency: empty ? { p50: null, p90: null, p99: null, histogram } : { p50: 640, p90: 1820, p99: 4100, histogram },
    status_over_time,
  };
}

const VALUES: Record<string, string[]> = {
  experiment: ['demo-support-bot', 'demo-search', 'demo-summarizer', 'demo-agent', 'demo-rag-eval', 'demo-extraction'],
  model: MODELS.map(([m]) => m),
  provider: ['openai', 'anthropic', 'google', 'mistral', 'groq', 'cohere'],
  user: ['ana@acme.io', 'ben@acme.io', 'chen@acme.io', 'dara@acme.io', 'eli@acme.io'],
  team: ['search', 'support', 'platform', 'research'],
  'tags.env': ['prod', 'staging', 'dev'],
  'tags.feature': ['chat', 'autocomplete', 'summaries'],
};

export function fixturesPlugin(): Plugin {
  const mode = process.env.MLTRACK_FIXTURES_MODE ?? '';
  const empty = mode === 'empty';
  return {
    name: 'mltrack-fixtures',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const url = new URL(req.url ?? '/', 'http://x');
        const send = (status: number, body: unknown) => {
          res.statusCode = status;
          res.setHeader('Content-Type', 'application/json');
          setTimeout(() => res.end(JSON.stringify(body)), 250);
        };
        if (url.pathname === '/api/analytics/overview') {
          if (mode === 'error') return send(500, { error: { code: 'internal', message: 'fixture failure' } });
          return send(200, overview(url.searchParams, empty));
        }
        if (url.pathname === '/api/health')
          return send(200, { status: 'ok', version: '0.1.0', uptime_s: 1, events: empty ? 0 : 812345, problems: [] });
        if (url.pathname === '/api/v1/fields')
          return send(200, { fields: [], tag_keys: empty ? [] : ['env', 'feature'], score_names: [] });
        if (url.pathname === '/api/v1/query' && req.method === 'POST') {
          let raw = '';
          req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
          req.on('end', () => {
            const spec = JSON.parse(raw) as { group_by?: string[] };
            const field = spec.group_by?.[0] ?? '';
            const values = empty ? [] : (VALUES[field] ?? []);
            send(200, { columns: [field, 'count'], rows: values.map((v, idx) => [v, 1000 - idx * 97]), stats: {} });
          });
          return;
        }
        next();
      });
    },
  };
}
