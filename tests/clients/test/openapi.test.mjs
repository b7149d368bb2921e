// The OpenAPI document (GET /api/v1/openapi.json) against the real server: every operation's
// `x-mltrack-test` requests are sent, and each answer must have the status the case expects, a
// status and content type the document lists for that operation, and a body that validates
// against the documented schema (JSON Schema 2020-12, as OpenAPI 3.1 uses). That every route is
// documented at all is checked by src/server/openapi_spec_test.cc.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Ajv2020 from 'ajv/dist/2020.js';
import { startFakeUpstream } from '../support/fake_upstream.mjs';
import { startServer } from '../support/server.mjs';

let upstream;
let server;
let spec;
const ajv = new Ajv2020({ strict: false, allErrors: true });

before(async () => {
  upstream = await startFakeUpstream();
  server = await startServer(['--demo', '--demo-events', '2000', '--upstream', `openai=${upstream.url}`,
                              '--upstream', `anthropic=${upstream.url}`]);
  spec = await (await fetch(`${server.url}/api/v1/openapi.json`)).json();
  ajv.addSchema(spec, 'openapi.json');
});
after(async () => {
  await server?.stop();
  await upstream?.stop();
  server?.cleanup();
});

const pointer = (...parts) => parts.map((part) => encodeURIComponent(String(part).replaceAll('~', '~0').replaceAll('/', '~1'))).join('/');

function operations() {
  const all = [];
  for (const [path, item] of Object.entries(spec.paths)) {
    for (const [method, operation] of Object.entries(item)) all.push({ path, method, operation });
  }
  return all;
}

async function send(path, method, testCase) {
  const headers = { ...(testCase.headers ?? {}) };
  let body;
  if (testCase.raw !== undefined) {
    body = testCase.raw;
    headers['Content-Type'] = testCase.content_type;
  } else if (testCase.body !== undefined) {
    body = JSON.stringify(testCase.body);
    headers['Content-Type'] = testCase.content_type ?? 'application/json';
  }
  // A path with parameters ({id}) is sent as the case's own `path`.
  const url = `${server.url}${testCase.path ?? path}${testCase.query ? `?${testCase.query}` : ''}`;
  return fetch(url, { method: method.toUpperCase(), headers, body });
}

// A case that acts on one resource (GET, PUT or DELETE /budgets/{id}; an MLflow run) first
// creates it with its `setup` request ({method, path, body}); the `id` of that answer (an MLflow
// answer's `experiment_id` or `run.info.run_id`) fills `{id}` in the case's path, query and body,
// so no case depends on what another case left behind (a setup of a case without `{id}` just runs).
async function prepare(label, testCase) {
  if (!testCase.setup) return testCase;
  const response = await send(testCase.setup.path, testCase.setup.method, testCase.setup);
  const text = await response.text();
  assert.ok(response.ok, `${label}: setup ${testCase.setup.method.toUpperCase()} ${testCase.setup.path} failed: ${response.status} ${text.slice(0, 300)}`);
  const answer = JSON.parse(text);
  const id = answer.id ?? answer.experiment_id ?? answer.run?.info?.run_id;
  assert.ok(typeof id === 'string' || typeof id === 'number', `${label}: the setup answer has no id`);
  const fill = (text) => text?.replaceAll('{id}', encodeURIComponent(String(id)));
  const body = testCase.body === undefined ? undefined : JSON.parse(JSON.stringify(testCase.body).replaceAll('{id}', String(id)));
  return { ...testCase, path: fill(testCase.path), query: fill(testCase.query), body };
}

// Sends the case; one marked `eventually` is sent again until it gets its status (for up to 10 s):
// state the server settles in the background (a budget the proxy enforces once it is evaluated).
async function sendCase(path, method, testCase) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const response = await send(path, method, testCase);
    if (!testCase.eventually || response.status === testCase.status || Date.now() > deadline) return response;
    await response.arrayBuffer();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('OpenAPI document', () => {
  test('is OpenAPI 3.1 and every operation has test requests', () => {
    assert.equal(spec.openapi, '3.1.0');
    for (const { path, method, operation } of operations()) {
      assert.ok(Array.isArray(operation['x-mltrack-test']) && operation['x-mltrack-test'].length > 0,
                `${method.toUpperCase()} ${path} has no x-mltrack-test requests`);
      if (!path.includes('{')) continue;
      for (const testCase of operation['x-mltrack-test']) {
        assert.ok(testCase.path, `${method.toUpperCase()} ${path} (${testCase.name}) needs a path with its parameters filled in`);
      }
    }
  });

  test('every answer is documented and matches its schema', async () => {
    let checked = 0;
    for (const { path, method, operation } of operations()) {
      for (const testCase of operation['x-mltrack-test']) {
        const label = `${method.toUpperCase()} ${path} (${testCase.name})`;
        const response = await sendCase(path, method, await prepare(label, testCase));
        const text = await response.text();
        assert.equal(response.status, testCase.status, `${label}: status ${response.status}: ${text.slice(0, 300)}`);
        const documented = operation.responses[String(response.status)];
        assert.ok(documented, `${label}: status ${response.status} is not documented`);
        if (response.status === 204) {
          assert.equal(text, '', `${label}: a 204 has no body`);
          assert.equal(documented.content, undefined, `${label}: a 204 is documented with a body`);
          continue;
        }
        const contentType = (response.headers.get('content-type') ?? '').split(';')[0].trim();
        const media = documented.content?.[contentType];
        assert.ok(media, `${label}: content type ${contentType} is not documented for ${response.status}`);
        if (contentType !== 'application/json') continue;
        const validate = ajv.compile({
          $ref: `openapi.json#/${pointer('paths', path, method, 'responses', response.status, 'content', contentType, 'schema')}`,
        });
        const valid = validate(JSON.parse(text));
        assert.ok(valid, `${label}: the body does not match the documented schema: ${ajv.errorsText(validate.errors)}\n${text.slice(0, 500)}`);
        checked += 1;
      }
    }
    assert.ok(checked >= 20, `only ${checked} JSON answers were checked`);
  });
});
