// Runs bench/queries.json on DuckDB (in-process, in-memory database, default threads = cores)
// over the benchmark's TSV, for bench/run.sh:
//   node bench/duckdb/run.mjs --data DIR --queries FILE --runs 20 --warmup 2 --out times.json --bodies DIR
// Writes the same shape as mltrack_bench_client's query mode: {name: {status, wall_ms, server_ms}},
// and the last result of each query as DIR/<name>.json = {"rows": [[...]]}.
import { readFileSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { DuckDBInstance } from '@duckdb/node-api';
import { bindQuery } from '../bench_lib.mjs';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, arg, idx, all) => (idx % 2 ? pairs : [...pairs, [arg.replace(/^--/, ''), all[idx + 1]]]), []));
const meta = JSON.parse(readFileSync(`${args.data}/meta.json`, 'utf8'));
const queries = JSON.parse(readFileSync(args.queries, 'utf8')).queries;
const runs = Number(args.runs ?? 20);
const warmup = Number(args.warmup ?? 2);

const toJs = (value) => (typeof value === 'bigint' ? Number(value) : value);

const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();
const schema = readFileSync(new URL('./schema.sql', import.meta.url), 'utf8');
await connection.run(schema);
const loadStart = performance.now();
await connection.run(
  `COPY events FROM '${args.data}/events.tsv' (DELIMITER '\t', HEADER true, NULLSTR '\\N', QUOTE '', ESCAPE '')`);
const loadMs = performance.now() - loadStart;
const count = toJs((await connection.runAndReadAll('SELECT count(*) FROM events')).getRowsJS()[0][0]);
process.stderr.write(`duckdb: loaded ${count} rows in ${(loadMs / 1000).toFixed(1)} s\n`);

const out = { _load: { rows: count, load_s: loadMs / 1000 } };
for (const query of queries) {
  const sql = bindQuery(query.duckdb, query, meta);
  const wall = [];
  let rows = [];
  for (let runIdx = 0; runIdx < warmup + runs; ++runIdx) {
    const start = performance.now();
    const reader = await connection.runAndReadAll(sql);
    rows = reader.getRowsJS();
    const elapsed = performance.now() - start;
    if (runIdx >= warmup) wall.push(elapsed);
  }
  writeFileSync(`${args.bodies}/${query.name}.json`, JSON.stringify({ rows: rows.map((row) => row.map(toJs)) }));
  out[query.name] = { status: 200, wall_ms: wall, server_ms: wall };
  const sorted = [...wall].sort((a, b) => a - b);
  process.stderr.write(`${query.name.padEnd(28)} p50 ${sorted[Math.floor(sorted.length / 2)].toFixed(2)} ms\n`);
}
writeFileSync(args.out, JSON.stringify(out, null, 1));
connection.closeSync?.();
