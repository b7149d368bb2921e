// Starts and stops `mltrack serve` for the browser tests.
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const webDir = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');
/** The server under test; MLTRACK_BIN overrides (e.g. another build directory). */
export const BINARY = process.env.MLTRACK_BIN ?? resolve(webDir, '../build/mltrack');

/** Environment keys through which global setup hands servers to the tests and to teardown. */
export const ENV_DEMO_URL = 'MLTRACK_E2E_DEMO_URL';
export const ENV_EMPTY_URL = 'MLTRACK_E2E_EMPTY_URL';
export const ENV_PIDS = 'MLTRACK_E2E_PIDS';
export const ENV_TMP = 'MLTRACK_E2E_TMP';

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

export interface StartedServer {
  url: string;
  pid: number;
  log: string;
  dataDir: string;
}

/** Spawns the server on a free loopback port with a fresh data dir and waits for /api/health. */
export async function startServer(root: string, name: string, demo: boolean, extraArgs: string[] = []): Promise<StartedServer> {
  if (!existsSync(BINARY)) {
    throw new Error(`${BINARY} does not exist: build the server first (make build).`);
  }
  const dataDir = mkdtempSync(join(root, `${name}-`));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const log = join(root, `${name}.log`);
  const out = createWriteStream(log);
  const args = ['serve', '--data', dataDir, '--listen', `127.0.0.1:${port}`, ...(demo ? ['--demo'] : []), ...extraArgs];
  // For a binary built before web/dist (development): serve the app from disk instead.
  if (process.env.MLTRACK_E2E_WEB_DIR) args.push('--web-dir', process.env.MLTRACK_E2E_WEB_DIR);
  const child = spawn(BINARY, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.pipe(out);
  child.stderr.pipe(out);
  let exited: string | null = null;
  child.on('exit', (code, signal) => (exited = `exited with ${code ?? signal}`));

  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    if (exited) throw new Error(`mltrack serve (${name}) ${exited} before it was healthy; log: ${log}`);
    try {
      const response = await fetch(`${url}/api/health`);
      if (response.ok) {
        const health = (await response.json()) as { events?: number };
        if (!demo || (health.events ?? 0) > 0) return { url, pid: child.pid!, log, dataDir };
      }
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  child.kill('SIGKILL');
  throw new Error(`mltrack serve (${name}) was not healthy within 180 s; log: ${log}`);
}

export function makeTempRoot(): string {
  return mkdtempSync(join(tmpdir(), 'mltrack-e2e-'));
}
