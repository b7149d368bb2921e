// Starts the real `mltrack serve` on a free loopback port with a fresh data directory, and
// talks to it: the query API, and the log for tests that check what was (not) written.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { mltrackBinary } from './paths.mjs';

export async function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export async function startServer(extraArgs = []) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mltrack-clients-'));
  const port = await freePort();
  const logPath = path.join(dir, 'server.log');
  const log = fs.openSync(logPath, 'a');
  let logClosed = false;
  const child = spawn(
    mltrackBinary,
    ['serve', '--data', path.join(dir, 'data'), '--listen', `127.0.0.1:${port}`, ...extraArgs],
    { stdio: ['ignore', log, log] },
  );
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`mltrack exited: ${fs.readFileSync(logPath, 'utf8')}`);
    try {
      if ((await fetch(`${url}/api/health`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error('mltrack did not answer /api/health within 60 s');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url,
    port,
    dir,
    dataDir: path.join(dir, 'data'),
    log: () => fs.readFileSync(logPath, 'utf8'),
    async query(spec) {
      const response = await fetch(`${url}/api/v1/query`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ from: '2000-01-01T00:00:00Z', to: '2100-01-01T00:00:00Z', ...spec }),
      });
      const body = await response.json();
      if (!response.ok) throw new Error(`query failed: ${JSON.stringify(body)}`);
      return body.rows.map((row) => Object.fromEntries(body.columns.map((column, idx) => [column, row[idx]])));
    },
    // Events are stored just after the answer; waits until `count` are there.
    async waitForEvents(count, spec) {
      const deadline = Date.now() + 20_000;
      for (;;) {
        const [{ count: stored }] = await this.query({ metrics: ['count'] });
        if (stored >= count) return this.query(spec);
        if (Date.now() > deadline) throw new Error(`expected ${count} events, have ${stored}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      if (!logClosed) fs.closeSync(log);
      logClosed = true;
    },
    cleanup() {
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

// Every file under `dir` (recursively), as bytes.
export function* filesUnder(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* filesUnder(full);
    else if (entry.isFile()) yield fs.readFileSync(full);
  }
}
