// The JSON side of `make bench` (bench/run.sh drives processes; this prepares requests and
// reports):
//   node bench/bench.mjs requests --engine ours|clickhouse --data DIR --queries FILE --out DIR
//                                 [--dashboards "path,path"] [--searches "name=bodyfile,..."]
//       writes DIR/requests.tsv (the format mltrack_bench_client's query mode reads) and bodies
//   node bench/bench.mjs report --work DIR --command "make bench" --doc docs/performance.md
//       compares the engines' answers, prints the table and puts it into the doc
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { execSync } from 'node:child_process';
import os from 'node:os';
import { bindQuery, quantile, specOf } from './bench_lib.mjs';

const [command, ...rest] = process.argv.slice(2);
const args = {};
for (let idx = 0; idx < rest.length; idx += 2) args[rest[idx].replace(/^--/, '')] = rest[idx + 1];
const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));

function writeRequests() {
  const meta = readJson(`${args.data}/meta.json`);
  const queries = readJson(args.queries).queries;
  const lines = [];
  for (const path of (args.dashboards ?? '').split(',').filter(Boolean)) {
    const name = 'dashboard' + path.replace(/^\/api\/analytics/, '').replace(/[^A-Za-z0-9]+/g, '_');
    lines.push([name, 'GET', path, '-', '-', 'server-timing', 1].join('\t'));
  }
  // Event searches, "name=bodyfile,...": timed and judged as the dashboards are.
  for (const search of (args.searches ?? '').split(',').filter(Boolean)) {
    const [name, body] = search.split('=');
    lines.push([`dashboard_events_search_${name}`, 'POST', '/api/v1/events/search', 'application/json', body,
      'server-timing', 1].join('\t'));
  }
  for (const query of queries) {
    const body = `${args.out}/body-${query.name}`;
    if (args.engine === 'ours') {
      writeFileSync(body, JSON.stringify(specOf(query, meta)));
      lines.push([query.name, 'POST', '/api/v1/query', 'application/json', body, 'elapsed_ms', 1].join('\t'));
    } else {
      writeFileSync(body, `${bindQuery(query.clickhouse, query, meta)} FORMAT JSONCompact`);
      lines.push([query.name, 'POST', '/?output_format_json_quote_64bit_integers=0', 'text/plain', body,
        'elapsed', 1000].join('\t'));
    }
  }
  writeFileSync(`${args.out}/requests.tsv`, lines.join('\n') + '\n');
}

// ---- answers ---------------------------------------------------------------------------------

// engine: ours, ours_cold, duckdb or clickhouse.
function rowsOf(engine, name) {
  const path = `${args.work}/out/${engine}_bodies/${name}.json`;
  if (!existsSync(path)) return null;
  const body = readJson(path);
  return engine === 'clickhouse' ? body.data : body.rows;
}

// How a metric column is compared, from its MLtrack name (DESIGN §7 metric syntax).
function tolerance(column) {
  if (column === 'count' || column.startsWith('uniq:')) return { kind: 'exact' };
  if (/^p[0-9.]+:/.test(column)) return { kind: 'relative', eps: 0.01 };
  if (column.startsWith('rate:')) return { kind: 'absolute', eps: 1e-9 };
  return { kind: 'relative', eps: 1e-6 };  // sum, avg, min, max
}

function close(ours, theirs, tol) {
  if (ours === null || theirs === null) return ours === theirs;
  const a = Number(ours), b = Number(theirs);
  if (tol.kind === 'exact') return a === b;
  if (tol.kind === 'absolute') return Math.abs(a - b) <= tol.eps;
  return Math.abs(a - b) <= tol.eps * Math.max(Math.abs(a), Math.abs(b), 1e-12);
}

// Compares a peer's rows with ours: same groups (keys equal, '' = null), metrics within tolerance.
function sameAnswer(query, ours, theirs) {
  if (!ours || !theirs) return { ok: false, why: 'no answer' };
  const keyCount = (query.spec.bucket ? 1 : 0) + (query.spec.group_by?.length ?? 0);
  const key = (row) => JSON.stringify(row.slice(0, keyCount).map((v) => (v === '' || v === null ? null : String(v))));
  const byKey = new Map(theirs.map((row) => [key(row), row]));
  if (byKey.size !== ours.length) return { ok: false, why: `${ours.length} rows vs ${theirs.length}` };
  const metrics = query.spec.metrics;
  let worst = null;
  for (const row of ours) {
    const other = byKey.get(key(row));
    if (!other) return { ok: false, why: `group ${key(row)} missing` };
    for (let idx = 0; idx < metrics.length; ++idx) {
      const col = keyCount + idx;
      if (!close(row[col], other[col], tolerance(metrics[idx]))) {
        return { ok: false, why: `${key(row)} ${metrics[idx]}: ${row[col]} vs ${other[col]}` };
      }
      if (row[col] !== null && other[col] !== null && Number(row[col]) !== 0) {
        const rel = Math.abs(Number(row[col]) - Number(other[col])) / Math.abs(Number(row[col]));
        worst = Math.max(worst ?? 0, rel);
      }
    }
  }
  return { ok: true, worst };
}

// ---- report ----------------------------------------------------------------------------------

const fmtMs = (v) => (v === null || v === undefined || Number.isNaN(v) ? '—' : v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : v.toFixed(0));
const fmtInt = (v) => (v === null || v === undefined ? '—' : Math.round(v).toLocaleString('en-US'));
const fmtRatio = (v) => (v === null || !Number.isFinite(v) ? '—' : `${v < 10 ? v.toFixed(2) : v.toFixed(1)}×`);

function timing(result) {
  if (!result || result.status !== 200) return null;
  const server = (result.server_ms ?? []).filter((v) => v !== null);
  return {
    wall50: quantile(result.wall_ms, 0.5), wall95: quantile(result.wall_ms, 0.95),
    server50: server.length ? quantile(server, 0.5) : null, server95: server.length ? quantile(server, 0.95) : null,
    runs: result.wall_ms.length,
  };
}

function machine() {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const model = (cpuinfo.match(/^model name\s*:\s*(.*)$/m) ?? [])[1] ?? 'unknown';
  return {
    nproc: os.availableParallelism?.() ?? os.cpus().length, model,
    ram: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`, kernel: `${os.type()} ${os.release()}`,
  };
}

function gitVersion() {
  try {
    return execSync('git describe --always --dirty', { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown';
  }
}

function report() {
  const out = `${args.work}/out`;
  // Our rows (data-ours: streamed when BENCH_EVENTS > BENCH_PEER_EVENTS) and the peers' rows.
  const peerMeta = readJson(`${args.work}/data/meta.json`);
  const meta = existsSync(`${args.work}/data-ours/meta.json`) ? readJson(`${args.work}/data-ours/meta.json`) : peerMeta;
  const samePeerRows = meta.events === peerMeta.events;
  const queries = readJson(args.queries ?? new URL('./queries.json', import.meta.url)).queries;
  const ingest = readJson(`${out}/ingest.json`);
  const res = readJson(`${out}/resources.json`);
  const engines = {
    ours: existsSync(`${out}/ours.json`) ? readJson(`${out}/ours.json`) : {},
    ours_cold: existsSync(`${out}/ours_cold.json`) ? readJson(`${out}/ours_cold.json`) : {},
    duckdb: existsSync(`${out}/duckdb.json`) ? readJson(`${out}/duckdb.json`) : {},
    clickhouse: existsSync(`${out}/clickhouse.json`) ? readJson(`${out}/clickhouse.json`) : {},
    // MLtrack itself with --store clickhouse://... (docs/deploy/clickhouse.md), same requests.
    ours_clickhouse: existsSync(`${out}/ours_clickhouse.json`) ? readJson(`${out}/ours_clickhouse.json`) : {},
  };
  const chIngest = existsSync(`${out}/ingest_clickhouse.json`) ? readJson(`${out}/ingest_clickhouse.json`) : null;
  const n = meta.events;
  const rows = [];
  const verdicts = [];
  // `onCh`: the same figure for MLtrack on the ClickHouse backend (a column of its own).
  const row = (what, ours, cold, duck, ch, rDuck, rCh, same, target, met, onCh = '') =>
    rows.push(`| ${what} | ${ours} | ${cold} | ${onCh} | ${duck} | ${ch} | ${rDuck} | ${rCh} | ${same} | ${target} | ${met} |`);
  const verdict = (name, ok, how) => { verdicts.push({ name, ok, how }); return `${ok ? 'met' : '**missed**'} (${how})`; };

  // Targets of issue 17 (the 10M/100M engine): ingest, memory, disk, restart.
  const ingestTarget = 1_000_000, memoryTarget = 48, diskTarget = 24, restartTarget = 1;
  const cpuPerMillion = ingest.server_cpu_s !== undefined ? ingest.server_cpu_s / (ingest.events / 1e6) : null;
  row(`ingest, events/s (total/wall; ${ingest.connections} conns × ${fmtInt(ingest.batch_events)}-event NDJSON POSTs, fdatasync ack${ingest.streamed ? '; NDJSON generated while sent' : ''})`,
    `${fmtInt(ingest.events_per_s)} (median 1-s window ${fmtInt(ingest.median_window_events_per_s)})`, '', '', '', '', '', '',
    '≥ 1,000,000', verdict('ingest', ingest.events_per_s >= ingestTarget,
      ingest.events_per_s >= ingestTarget ? `${(ingest.events_per_s / ingestTarget).toFixed(2)}× target`
        : `${(ingestTarget / ingest.events_per_s).toFixed(1)}× too slow`),
    chIngest ? fmtInt(chIngest.events_per_s) : '');
  if (cpuPerMillion !== null) {
    row('ingest, server CPU s per 1M events (utime + stime over the ingest; the rest of 2 cores × wall is the load generator, the generator when streamed, and idle)',
      `${cpuPerMillion.toFixed(2)} (${ingest.server_cpu_s.toFixed(1)} s CPU in ${ingest.wall_s.toFixed(1)} s wall)`, '', '', '', '', '', '', '', '');
  }
  row('ingest, ack latency per batch p50 / p95 ms', `${fmtMs(ingest.ack_p50_ms)} / ${fmtMs(ingest.ack_p95_ms)}`, '', '', '', '', '', '', '', '');
  const abRuns = ['plain_1', 'budgets_1', 'budgets_2', 'plain_2'];
  if (abRuns.every((run) => existsSync(`${out}/ingest_${run}.json`))) {
    // The same events into four fresh stores, without and with 20 budgets (bench/budgets.sh), in
    // the order plain, budgets, budgets, plain: the sums of both pairs are compared.
    const [plain1, budgets1, budgets2, plain2] = abRuns.map((run) => readJson(`${out}/ingest_${run}.json`));
    const sum = (a, b, key) => a[key] + b[key];
    const wallPlain = sum(plain1, plain2, 'wall_s'), wallBudgets = sum(budgets1, budgets2, 'wall_s');
    const cpuPlain = sum(plain1, plain2, 'server_cpu_s'), cpuBudgets = sum(budgets1, budgets2, 'server_cpu_s');
    const slower = (wallBudgets / wallPlain - 1) * 100;
    const cpu = (cpuBudgets / cpuPlain - 1) * 100;
    const pct = (x) => `${x >= 0 ? '+' : ''}${x.toFixed(1)} %`;
    const monitorS = sum(budgets1, budgets2, 'monitor_counting_s') + sum(budgets1, budgets2, 'monitor_thread_cpu_s');
    row(`ingest with 20 budgets vs none, ABBA (plain, budgets, budgets, plain; ${fmtInt(budgets1.alerts)} alerts fired per run): ` +
      'events/s of each run; wall and server CPU of both pairs; the monitor\'s own time (counting on the append path + its thread)',
      `${fmtInt(budgets1.events_per_s)}, ${fmtInt(budgets2.events_per_s)} vs ${fmtInt(plain1.events_per_s)}, ${fmtInt(plain2.events_per_s)}: ` +
      `${pct(slower)} time; CPU ${cpuBudgets.toFixed(1)} vs ${cpuPlain.toFixed(1)} s (${pct(cpu)}); ` +
      `monitor ${monitorS.toFixed(2)} s = ${(monitorS / cpuBudgets * 100).toFixed(1)} % of the server CPU`,
      '', '', '', '', '', '', '≤ 2 % slower',
      verdict('ingest with budgets', slower <= 2, `${slower.toFixed(1)} % slower`));
  }
  if (existsSync(`${out}/overload.json`)) {
    // bench/overload.mjs: 2x the saturating ingest rate, open loop, with queries meanwhile.
    const o = readJson(`${out}/overload.json`);
    const shed = Object.entries(o.statuses).filter(([code]) => code !== '200').map(([code, n]) => `${fmtInt(n)}× ${code === '0' ? 'no answer' : code}`).join(', ');
    row(`overload: ${fmtInt(o.offered_events_per_s)} events/s offered (2× saturation) for ${o.seconds} s; acked events/s; shed; query p95 ms during it; peak RSS MiB; acknowledged events lost`,
      `${fmtInt(o.acked_events_per_s)} acked/s; shed ${shed || 'none'}; query p95 ${o.query_p95_ms === null ? 'none answered' : fmtMs(o.query_p95_ms)} (${o.query_ok} ok, ${o.query_failed} failed); ` +
      `RSS ${(o.peak_rss_bytes / 2 ** 20).toFixed(0)} MiB; lost ${o.lost_events === null ? 'unknown' : fmtInt(o.lost_events)}`,
      '', '', '', '', '', '', '0 lost, queries answered', verdict('overload', o.lost_events === 0 && o.query_ok > 0, `${o.lost_events} lost`));
  }
  if (existsSync(`${out}/auth_ingest.json`)) {
    // bench/auth_ingest.mjs: the same small batches into a keyless server and one needing an ingest key.
    const a = readJson(`${out}/auth_ingest.json`);
    const plain = (a.no_key.events_per_s + a.no_key_again.events_per_s) / 2;
    const cost = (plain / a.ingest_key.events_per_s - 1) * 100;
    row(`ingest with an API key vs none: events/s (${a.connections} conns × ${a.batch}-event NDJSON POSTs, ${a.duration_s} s each; keyless run before and after)`,
      `${fmtInt(a.ingest_key.events_per_s)} with a key vs ${fmtInt(a.no_key.events_per_s)} / ${fmtInt(a.no_key_again.events_per_s)} without (${cost >= 0 ? '+' : ''}${cost.toFixed(1)} % time); ${a.ingest_key.failed + a.no_key.failed + a.no_key_again.failed} failed`,
      '', '', '', '', '', '', '', '');
  }
  // The integrations (bench/integrations_bench.cc), when run.sh measured them.
  if (existsSync(`${out}/otlp.json`)) {
    const otlp = readJson(`${out}/otlp.json`);
    row(`OTLP ingest, spans/s (${otlp.connections} conns × ${fmtInt(otlp.batch_spans)}-span protobuf exports, each span an event, fdatasync ack)`,
      `${fmtInt(otlp.spans_per_s)} (ack p50 / p99 ${fmtMs(otlp.ack_p50_ms)} / ${fmtMs(otlp.ack_p99_ms)} ms)`, '', '', '', '', '', '', '', '');
  }
  if (existsSync(`${out}/mlflow.json`)) {
    const mlflow = readJson(`${out}/mlflow.json`);
    row(`MLflow log-batch, batches/s (${mlflow.connections} conns, ${mlflow.metrics_per_batch} metrics + 2 params + 1 tag each, fsync ack; ${fmtInt(mlflow.runs)} runs create → log-batch → FINISHED)`,
      `${fmtInt(mlflow.log_batch_per_s)} (${fmtInt(mlflow.metric_values_per_s)} metric values/s; p50 / p99 ${fmtMs(mlflow.log_batch_p50_ms)} / ${fmtMs(mlflow.log_batch_p99_ms)} ms; ${fmtInt(mlflow.runs_per_s)} whole runs/s)`,
      '', '', '', '', '', '', '', '');
  }
  if (existsSync(`${out}/proxy.json`)) {
    const proxy = readJson(`${out}/proxy.json`);
    row(`proxy, added latency p50 / p99 ms (chat call, loopback fake upstream, ${fmtInt(proxy.requests)} calls)`,
      `${proxy.added_p50_ms.toFixed(3)} / ${proxy.added_p99_ms.toFixed(3)} (direct ${fmtMs(proxy.direct_p50_ms)}, proxied ${fmtMs(proxy.proxied_p50_ms)} p50)`,
      '', '', '', '', '', '', 'p50 ≤ 1', verdict('proxy overhead', proxy.added_p50_ms <= 1, `${proxy.added_p50_ms.toFixed(3)} ms`));
  }

  // Dashboards: the verdict is on the worse of the warm and cold p95, against issue 17's
  // target for the store's size (≤ 50 ms at 10M, ≤ 100 ms at 100M).
  const dashboardTarget = n >= 50_000_000 ? 100 : 50;
  if (existsSync(`${out}/failed_dashboards.tsv`)) {
    for (const line of readFileSync(`${out}/failed_dashboards.tsv`, 'utf8').split('\n').filter(Boolean)) {
      const [path, code] = line.split('\t');
      row(`\`${path}\` (not timed: it answered HTTP ${code} before the timing)`, `failed (HTTP ${code})`, '', '', '', '', '', '',
        `p95 ≤ ${dashboardTarget} ms`, verdict(path, false, `HTTP ${code}`));
    }
  }
  for (const [name, result] of Object.entries(engines.ours).filter(([name]) => name.startsWith('dashboard'))) {
    const t = timing(result);
    if (!t) continue;
    const cold = timing(engines.ours_cold[name]);
    const p95 = t.server95 ?? t.wall95;
    const coldP95 = cold ? cold.server95 ?? cold.wall95 : Infinity;
    const worst = Math.max(p95, coldP95);
    const fmtDashboard = (d) => (d.server95 !== null ? `${fmtMs(d.server50)} / ${fmtMs(d.server95)} (${fmtMs(d.wall50)})`
      : `${fmtMs(d.wall50)} / ${fmtMs(d.wall95)} (client wall)`);
    row(`\`${name}\` p50 / p95 ms server (client wall p50)`, fmtDashboard(t), cold ? fmtDashboard(cold) : 'failed',
      '', '', '', '', '', `p95 ≤ ${dashboardTarget} ms`,
      verdict(name, worst <= dashboardTarget, worst <= dashboardTarget ? `${(dashboardTarget / worst).toFixed(1)}× under`
        : `${(worst / dashboardTarget).toFixed(1)}× over`),
      timing(engines.ours_clickhouse[name]) ? fmtDashboard(timing(engines.ours_clickhouse[name])) : '');
  }

  // Queries: ratios and the verdict use our cold (cache off) time, since the peers have no
  // result cache; the warm ratio is shown in parentheses. Both our answers are checked.
  let allFaster = true, slowest = Infinity;
  const fmtQuery = (t, wall = true) => (t ? `${fmtMs(t.server50)} / ${fmtMs(t.server95)}${wall ? ` (${fmtMs(t.wall50)})` : ''}` : 'failed');
  for (const query of queries) {
    const ours = timing(engines.ours[query.name]);
    const cold = timing(engines.ours_cold[query.name]);
    const duck = timing(engines.duckdb[query.name]);
    const ch = timing(engines.clickhouse[query.name]);
    const checks = [];
    for (const [mode, engine] of samePeerRows ? [['warm', 'ours'], ['cold', 'ours_cold']] : []) {
      const ourRows = rowsOf(engine, query.name);
      checks.push([`DuckDB (${mode})`, sameAnswer(query, ourRows, rowsOf('duckdb', query.name))],
        [`ClickHouse (${mode})`, sameAnswer(query, ourRows, rowsOf('clickhouse', query.name))]);
    }
    const same = !samePeerRows ? `— (peers at ${fmtInt(peerMeta.events)} events)` : checks.map(([peer, c]) => `${c.ok ? '✓' : '✗'}${c.ok ? '' : ` ${peer}: ${c.why}`.replaceAll('|', '/')}`).join(' ');
    const ratio = (peer, ourTiming) => (ourTiming && peer ? peer.server50 / ourTiming.server50 : null);
    // Peers on other rows (BENCH_PEER_EVENTS < BENCH_EVENTS): their times are shown, no ratio.
    const rDuck = samePeerRows ? ratio(duck, cold) : null, rCh = samePeerRows ? ratio(ch, cold) : null;
    const worst = Math.min(rDuck ?? 0, rCh ?? 0);
    if (samePeerRows && !(worst >= 3)) allFaster = false;
    if (samePeerRows) slowest = Math.min(slowest, worst);
    row(`query \`${query.name}\` p50 / p95 ms server (client wall p50)`,
      fmtQuery(ours), fmtQuery(cold), fmtQuery(duck, false), fmtQuery(ch),
      samePeerRows ? `${fmtRatio(rDuck)} (${fmtRatio(ratio(duck, ours))})` : '—',
      samePeerRows ? `${fmtRatio(rCh)} (${fmtRatio(ratio(ch, ours))})` : '—',
      same, '≥ 3× both (cold)', !samePeerRows ? '— (other rows)' : worst >= 3 ? 'met' : `**missed** (${fmtRatio(worst)})`,
      engines.ours_clickhouse[query.name] ? fmtQuery(timing(engines.ours_clickhouse[query.name])) : '');
  }
  if (samePeerRows) {
    verdicts.push({ name: 'query set ≥ 3× faster than both peers', ok: allFaster,
      how: `slowest ratio ${fmtRatio(slowest)}` });
  }

  const perEvent = (bytes) => bytes / n;
  const rssLoad = perEvent(res.rss_after_load_bytes), rssQuery = perEvent(res.rss_after_queries_bytes);
  const memoryRow = (what, name, value, bytes, cold = false) => {
    const text = `${value.toFixed(1)} (${(bytes / 2 ** 20).toFixed(0)} MiB)`;
    row(what, cold ? '' : text, cold ? text : '', '', '', '', '', '', `≤ ${memoryTarget}`,
      verdict(name, value <= memoryTarget, value <= memoryTarget ? 'under' : `${(value / memoryTarget).toFixed(1)}× over`));
  };
  memoryRow('resident memory right after the last ack, bytes/event (VmRSS)', 'memory', rssLoad, res.rss_after_load_bytes);
  if (res.rss_peak_load_bytes) {
    memoryRow('resident memory, peak up to the last ack, bytes/event (VmHWM)', 'peak memory',
      perEvent(res.rss_peak_load_bytes), res.rss_peak_load_bytes);
  }
  memoryRow('resident memory after the query set, bytes/event', 'memory after queries', rssQuery, res.rss_after_queries_bytes);
  if (res.rss_after_restart_bytes) {
    const restarted = perEvent(res.rss_after_restart_bytes), coldQuery = perEvent(res.rss_after_cold_queries_bytes);
    row('resident memory after restart / after the cold query set, bytes/event', '',
      `${restarted.toFixed(1)} / ${coldQuery.toFixed(1)} (${(res.rss_after_cold_queries_bytes / 2 ** 20).toFixed(0)} MiB)`,
      '', '', '', '', '', `≤ ${memoryTarget}`, verdict('memory after restart', coldQuery <= memoryTarget,
        coldQuery <= memoryTarget ? 'under' : `${(coldQuery / memoryTarget).toFixed(1)}× over`));
  }
  const disk = perEvent(res.disk_bytes);
  row('disk, bytes/event (du of the data dir)', `${disk.toFixed(1)} (${(res.disk_bytes / 2 ** 20).toFixed(0)} MiB)`,
    '', '', res.clickhouse_disk_bytes && samePeerRows ? `${perEvent(res.clickhouse_disk_bytes).toFixed(1)}` : '', '', '', '', `≤ ${diskTarget}`,
    verdict('disk', disk <= diskTarget, disk <= diskTarget ? 'under' : `${(disk / diskTarget).toFixed(1)}× over`));
  const restartS = res.restart_ms / 1000;
  row('restart: SIGTERM → start → first full query answered, s', `${restartS.toFixed(2)} (shutdown ${(res.shutdown_ms / 1000).toFixed(2)})`,
    '', '', '', '', '', '', `≤ ${restartTarget} s`, verdict('restart', restartS <= restartTarget,
      restartS <= restartTarget ? 'under' : `${(restartS / restartTarget).toFixed(1)}× over`));
  if (res.restart_overview_ms) {
    const overviewS = res.restart_overview_ms / 1000;
    row('restart: SIGTERM → start → first `/api/analytics/overview` answered (requested after the full count), s', `${overviewS.toFixed(2)}`,
      '', '', '', '', '', '', `≤ ${restartTarget} s`, verdict('restart to the overview', overviewS <= restartTarget,
        overviewS <= restartTarget ? 'under' : `${(overviewS / restartTarget).toFixed(1)}× over`));
  }
  // Issue 12: live push latency (bench/live_bench.cc) and time to first chart (bench/ttfc.mjs).
  for (const subscribers of [1, 500]) {
    const file = `${out}/live_${subscribers}.json`;
    const live = existsSync(file) ? readJson(file) : null;
    if (!live || live.p99_ms === undefined) continue;
    row(`live: durable → update read, ${subscribers} subscriber(s), ${live.rate} events/s, p50 / p95 / p99 ms (server lag p99)`,
      '', `${fmtMs(live.p50_ms)} / ${fmtMs(live.p95_ms)} / ${fmtMs(live.p99_ms)} (${fmtMs(live.server_lag_p99_ms)})`, '', '', '', '', '', '',
      'p99 ≤ 100 ms', verdict(`live ${subscribers}`, live.p99_ms <= 100, `${fmtMs(live.p99_ms)} ms`));
  }
  const ttfc = (cache) => (existsSync(`${out}/ttfc_${cache}.json`) ? readJson(`${out}/ttfc_${cache}.json`) : null);
  const [ttfcOn, ttfcOff] = [ttfc('on'), ttfc('off')];
  if (ttfcOn?.cold_ms !== undefined || ttfcOff?.cold_ms !== undefined) {
    const fmtTtfc = (t) => (t?.cold_ms !== undefined ? `${fmtMs(t.cold_ms)} (reload ${fmtMs(t.warm_p50_ms)})` : 'failed');
    const worst = Math.max(ttfcOn?.cold_ms ?? Infinity, ttfcOff?.cold_ms ?? Infinity);
    row('time to first chart: open `/` in headless Chromium → every chart drawn (non-blank canvas), ms; new browser context (page reloaded: p50 of 3)',
      fmtTtfc(ttfcOn), fmtTtfc(ttfcOff), '', '', '', '', '', '', '≤ 1,000 ms',
      verdict('time to first chart', worst <= 1000, `${fmtMs(worst)} ms`));
  }
  row(samePeerRows ? 'load of the same rows, s' : `load, s (ours ${fmtInt(n)} events; peers ${fmtInt(peerMeta.events)})`, `${ingest.wall_s.toFixed(1)} (HTTP ingest)`, '',
    engines.duckdb._load ? `${engines.duckdb._load.load_s.toFixed(1)} (COPY TSV)` : '',
    res.clickhouse_load_s ? `${res.clickhouse_load_s.toFixed(1)} (INSERT TSV)` : '', '', '', '', '', '');

  const m = machine();
  const source = existsSync(`${out}/source.txt`) ? readFileSync(`${out}/source.txt`, 'utf8').trim() : gitVersion();
  const header = [
    '| what | MLtrack (query cache on, warm) | MLtrack (after restart, cache off: cold) | MLtrack on ClickHouse (`--store`) | DuckDB | ClickHouse | DuckDB / ours cold (warm) | ClickHouse / ours cold (warm) | same answer (DuckDB, ClickHouse; warm, cold) | target (DESIGN §9; issue 17) | verdict |',
    '|---|---|---|---|---|---|---|---|---|---|---|'];
  const table = [...header, ...rows].join('\n');
  const section = [
    `Run of ${statSync(`${out}/ingest.json`).mtime.toISOString().replace(/\.\d+Z$/, 'Z')}: \`${args.command}\` — ${fmtInt(n)} events ` +
      `(${meta.days} days, seed ${meta.seed}, ${fmtInt(meta.unpriced)} unpriced` +
      `${meta.trace_events ? `, ${fmtInt(meta.trace_events)} of them replayed from real traces` : ''}), ` +
      `${(ingest.bytes / 2 ** 30).toFixed(2)} GiB of NDJSON` +
      (samePeerRows ? '' : `, generated while it was sent (BENCH_EVENTS > BENCH_PEER_EVENTS); ` +
        `the peers, the ingest A/B with budgets and MLtrack on ClickHouse ran on ${fmtInt(peerMeta.events)} other events ` +
        `(BENCH_PEER_EVENTS), so their answers are not compared`) + '.',
    '',
    `Tree at run start: \`${source}\`. Machine: ${m.nproc} CPUs (\`nproc\`), ${m.model}, ${m.ram} RAM, ${m.kernel}. ` +
      `Server, load generator and peers share the machine; one engine runs at a time.`,
    '',
    table,
    '',
    `Targets: ${verdicts.filter((v) => v.ok).length} of ${verdicts.length} met — ` +
      verdicts.map((v) => `${v.name}: ${v.ok ? 'met' : 'missed'} (${v.how})`).join('; ') + '.',
  ].join('\n');
  process.stdout.write(`\n${section}\n\n`);
  if (args.doc) {
    const begin = '<!-- bench:begin (written by bench/bench.mjs report) -->';
    const end = '<!-- bench:end -->';
    let doc = existsSync(args.doc) ? readFileSync(args.doc, 'utf8') : `# Performance\n\n${begin}\n${end}\n`;
    if (!doc.includes(begin)) doc += `\n${begin}\n${end}\n`;
    doc = doc.slice(0, doc.indexOf(begin) + begin.length) + '\n' + section + '\n' + doc.slice(doc.indexOf(end));
    writeFileSync(args.doc, doc);
    process.stdout.write(`bench: table written to ${args.doc}\n`);
  }
}

if (command === 'requests') writeRequests();
else if (command === 'report') report();
else {
  process.stderr.write('usage: node bench/bench.mjs requests|report ... (see the header of bench/bench.mjs)\n');
  process.exit(2);
}
