// Stops the servers of global-setup.ts (by pid) and removes their data.
import { rmSync } from 'node:fs';
import { ENV_PIDS, ENV_TMP } from './server';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export default async function globalTeardown(): Promise<void> {
  const pids = (process.env[ENV_PIDS] ?? '').split(',').filter(Boolean).map(Number);
  for (const pid of pids) if (alive(pid)) process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + 5000;
  while (pids.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  for (const pid of pids) if (alive(pid)) process.kill(pid, 'SIGKILL');
  const root = process.env[ENV_TMP];
  if (root) rmSync(root, { recursive: true, force: true });
}
