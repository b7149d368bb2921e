// A stand-in for the OpenAI and Anthropic APIs on a loopback port: replays the recorded
// responses of ../shared/data/fixtures/openai-vcr-cassettes (and the Anthropic ones in
// ../fixtures) — status, headers and body, a server-sent event stream one event at a time. The
// request names the recording in its `X-Cassette` header ("name" or "name#2" for the second
// interaction); the fake remembers every request it got, so a test can check what was sent.
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { parse } from 'yaml';
import { cassetteDir } from './paths.mjs';
import { anthropicRecordings } from '../fixtures/anthropic.mjs';

const kSkippedHeaders = new Set(['content-length', 'transfer-encoding', 'connection', 'content-encoding', 'set-cookie',
                                 'date', 'keep-alive']);

function loadCassette(name) {
  const file = path.join(cassetteDir, `${name}.yaml`);
  const { interactions } = parse(fs.readFileSync(file, 'utf8'));
  return interactions.map(({ request, response }) => ({
    request: { method: request.method, path: new URL(request.uri).pathname, body: request.body },
    status: response.status.code,
    headers: Object.entries(response.headers)
      .filter(([name]) => !kSkippedHeaders.has(name.toLowerCase()))
      .map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : String(value)]),
    body: response.body.string,
  }));
}

export function recording(id) {
  const [name, index = '1'] = id.split('#');
  if (anthropicRecordings[name]) return anthropicRecordings[name];
  const interactions = loadCassette(name);
  const interaction = interactions[Number(index) - 1];
  if (!interaction) throw new Error(`${name} has no interaction ${index}`);
  return interaction;
}

// `tls` ({key, cert} in PEM) serves https instead of http.
export async function startFakeUpstream({ eventGapMs = 5, tls } = {}) {
  const received = [];
  const handler = (request, response) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', async () => {
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({ method: request.method, path: request.url, headers: request.headers, body });
      const id = request.headers['x-cassette'];
      let replay;
      try {
        replay = recording(String(id));
      } catch (error) {
        response.writeHead(599, { 'content-type': 'text/plain' });
        response.end(`fake upstream: no recording "${id}": ${error.message}`);
        return;
      }
      const headers = Object.fromEntries(replay.headers);
      response.writeHead(replay.status, headers);
      const contentType = replay.headers.find(([name]) => name.toLowerCase() === 'content-type')?.[1] ?? '';
      if (!contentType.startsWith('text/event-stream')) {
        response.end(replay.body);
        return;
      }
      // One server-sent event at a time, as the provider streamed them.
      const events = replay.body.split(/(?<=\n\n)/);
      for (const event of events) {
        response.write(event);
        await new Promise((resolve) => setTimeout(resolve, eventGapMs));
      }
      response.end();
    });
  };
  const server = tls ? https.createServer(tls, handler) : http.createServer(handler);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    received,
    async stop() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
