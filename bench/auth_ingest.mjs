// Ingest throughput with and without an API key (docs/security.md, "How keys are stored and
// checked"): small batches, so the per-request cost of authentication shows. Starts two servers
// on fresh data directories — one keyless, one with an ingest key — and POSTs the same batches to
// each for DURATION seconds over CONNECTIONS keep-alive connections.
//   node bench/auth_ingest.mjs BUILD_DIR [DURATION_S=15] [BATCH=10] [CONNECTIONS=4]
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [buildDir = 'build', duration = '15', batch = '10', connections = '4'] = process.argv.slice(2);
const binary = join(buildDir, 'mltrack');

const freePort = () =>
  new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

async function start(withKey) {
  const data = mkdtempSync(join(tmpdir(), 'mltrack-auth-bench-'));
  const key = withKey
    ? execFileSync(binary, ['keys', 'create', '--data', data, '--scope', 'ingest'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
    : '';
  const port = await freePort();
  const child = spawn(binary, ['serve', '--data', data, '--listen', `127.0.0.1:${port}`, '--log-level', 'warn'], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`${url}/api/health`)).ok) break;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, key, child, data };
}

function body(seq) {
  const lines = [];
  for (let i = 0; i < Number(batch); i++) {
    lines.push(JSON.stringify({ id: `b-${seq}-${i}`, ts: Date.now(), model: 'gpt-4o-mini', input_tokens: 100, output_tokens: 20 }));
  }
  return lines.join('\n');
}

async function run(server) {
  const headers = { 'Content-Type': 'application/x-ndjson', ...(server.key ? { Authorization: `Bearer ${server.key}` } : {}) };
  const end = Date.now() + Number(duration) * 1000;
  let requests = 0;
  let failed = 0;
  let seq = 0;
  const worker = async () => {
    while (Date.now() < end) {
      const response = await fetch(`${server.url}/api/v1/events`, { method: 'POST', headers, body: body(seq++) });
      await response.arrayBuffer();
      if (response.ok) requests++;
      else failed++;
    }
  };
  await Promise.all(Array.from({ length: Number(connections) }, worker));
  return { requests_per_s: requests / Number(duration), events_per_s: (requests * Number(batch)) / Number(duration), failed };
}

const results = {};
for (const [name, withKey] of [['no_key', false], ['ingest_key', true], ['no_key_again', false]]) {
  const server = await start(withKey);
  try {
    results[name] = await run(server);
  } finally {
    server.child.kill('SIGKILL');
    rmSync(server.data, { recursive: true, force: true });
  }
}
console.log(JSON.stringify({ duration_s: Number(duration), batch: Number(batch), connections: Number(connections), ...results }, null, 1));
