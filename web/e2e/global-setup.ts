// Starts two real servers: one with --demo data, one empty (no --demo) for the first-run panel.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ENV_DEMO_URL, ENV_EMPTY_URL, ENV_PIDS, ENV_TMP, makeTempRoot, startServer } from './server';

export default async function globalSetup(): Promise<void> {
  const dist = resolve(fileURLToPath(new URL('.', import.meta.url)), '../dist/index.html');
  if (!existsSync(dist)) throw new Error(`${dist} is missing: run \`npm run build\` in web/ (make build does).`);
  const root = makeTempRoot();
  process.env[ENV_TMP] = root;
  const [demo, empty] = await Promise.allSettled([startServer(root, 'demo', true), startServer(root, 'empty', false)]);
  const started = [demo, empty].flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  process.env[ENV_PIDS] = started.map((s) => s.pid).join(',');
  if (demo.status === 'rejected' || empty.status === 'rejected') {
    for (const server of started) process.kill(server.pid, 'SIGKILL');
    throw demo.status === 'rejected' ? demo.reason : (empty as PromiseRejectedResult).reason;
  }
  process.env[ENV_DEMO_URL] = demo.value.url;
  process.env[ENV_EMPTY_URL] = empty.value.url;
}
