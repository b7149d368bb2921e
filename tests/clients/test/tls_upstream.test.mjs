// The proxy to an https upstream: the certificate is verified (against --upstream-ca here, the
// system's CAs by default) and must name the host. A self-signed certificate made for the test.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import OpenAI from 'openai';
import { startFakeUpstream, recording } from '../support/fake_upstream.mjs';
import { startServer } from '../support/server.mjs';

let dir;
let upstream;
const servers = [];

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mltrack-tls-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=localhost',
                           '-addext', 'subjectAltName=DNS:localhost', '-keyout', path.join(dir, 'key.pem'),
                           '-out', path.join(dir, 'cert.pem')], { stdio: 'ignore' });
  upstream = await startFakeUpstream({
    tls: { key: fs.readFileSync(path.join(dir, 'key.pem')), cert: fs.readFileSync(path.join(dir, 'cert.pem')) },
  });
});
after(async () => {
  for (const server of servers) {
    await server.stop();
    server.cleanup();
  }
  await upstream?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function call(extraArgs) {
  const server = await startServer(['--upstream', `openai=https://localhost:${upstream.port}`, ...extraArgs]);
  servers.push(server);
  const client = new OpenAI({ apiKey: 'sk-tls', baseURL: `${server.url}/proxy/openai/v1`, maxRetries: 0,
                              defaultHeaders: { 'X-Cassette': 'test_chat_completion_with_content' } });
  return client.chat.completions.create(JSON.parse(recording('test_chat_completion_with_content').request.body));
}

test('a trusted certificate: the call goes through TLS', async () => {
  const completion = await call(['--upstream-ca', path.join(dir, 'cert.pem')]);
  assert.equal(completion.choices[0].message.content, 'This is a test.');
  assert.equal(upstream.received.at(-1).headers.host, `localhost:${upstream.port}`);
});

test('an untrusted certificate: 502, never forwarded in clear', async () => {
  const before = upstream.received.length;
  await assert.rejects(call([]), (error) => error.status === 502 && /certificate verify failed/.test(error.message));
  assert.equal(upstream.received.length, before);
});
