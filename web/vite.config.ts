import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import tailwindcss from '@tailwindcss/vite';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';
import { fixturesPlugin } from './dev/fixtures-plugin.ts';

// `npm run dev` proxies /api to a running server (MLTRACK_API, default the `make run` address).
// MLTRACK_FIXTURES=1 serves hand-written fixture JSON instead, for working before the server exists.
const api = process.env.MLTRACK_API ?? 'http://127.0.0.1:8080';
const useFixtures = process.env.MLTRACK_FIXTURES === '1';

// The empty-store panel links to /README.txt: the repository's README, shipped beside index.html so
// the link works offline and matches the binary. As .txt because the server sends that as text/plain
// (a browser shows it; .md would be a download).
const readme = fileURLToPath(new URL('../README.md', import.meta.url));
function readmePlugin(): Plugin {
  return {
    name: 'mltrack-readme',
    generateBundle() {
      if (existsSync(readme)) this.emitFile({ type: 'asset', fileName: 'README.txt', source: readFileSync(readme) });
    },
    configureServer(server) {
      server.middlewares.use('/README.txt', (_req, res) => {
        res.setHeader('Content-Type', 'text/plain; charset=utf-8');
        res.end(existsSync(readme) ? readFileSync(readme) : '# README not found');
      });
    },
  };
}

export default defineConfig({
  plugins: [react(), tailwindcss(), readmePlugin(), ...(useFixtures ? [fixturesPlugin()] : [])],
  // The server answers only its own Host and Origin (CSRF / DNS-rebinding protection): the dev
  // proxy presents requests as the server's own.
  server: useFixtures
    ? {}
    : {
        proxy: {
          '/api': {
            target: api,
            ws: true,
            changeOrigin: true,
            configure: (proxy) =>
              proxy.on('proxyReq', (request) => {
                if (request.getHeader('origin')) request.setHeader('origin', api);
              }),
          },
        },
      },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 700,
  },
});
