// The official @anthropic-ai/sdk with its baseURL at MLtrack's proxy (/proxy/anthropic): a
// message, a streamed message, an overloaded error. Anthropic counts cache tokens beside
// input_tokens; the events count them inside, as the event schema does.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import { startFakeUpstream } from '../support/fake_upstream.mjs';
import { startServer } from '../support/server.mjs';

const apiKey = 'sk-ant-client-test-KEY-3b9d';
let upstream;
let server;

before(async () => {
  upstream = await startFakeUpstream();
  server = await startServer(['--upstream', `anthropic=${upstream.url}`, '--upstream', `openai=${upstream.url}`]);
});
after(async () => {
  await server?.stop();
  await upstream?.stop();
  server?.cleanup();
});

function client(recording, user) {
  return new Anthropic({
    apiKey,
    baseURL: `${server.url}/proxy/anthropic`,
    maxRetries: 0,
    defaultHeaders: { 'X-Cassette': recording, 'X-MLtrack-User': user, 'X-MLtrack-Tag-Feature': 'greeting' },
  });
}

const request = { model: 'claude-3-5-sonnet-20241022', max_tokens: 64, messages: [{ role: 'user', content: 'Hello' }] };

async function eventOf(user) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const rows = await server.query({
      filters: [{ field: 'user', op: 'eq', value: user }],
      group_by: ['provider', 'model', 'endpoint', 'status', 'error_type', 'http_status', 'streaming', 'tags.feature'],
      metrics: ['count', 'sum:input_tokens', 'sum:cached_input_tokens', 'sum:cache_write_tokens', 'sum:output_tokens',
                'sum:cost_usd', 'max:ttft_ms'],
    });
    if (rows.length > 0) return rows[0];
    if (Date.now() > deadline) throw new Error(`no event for ${user}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('@anthropic-ai/sdk through the proxy', () => {
  test('message', async () => {
    const message = await client('anthropic_message', 'claude-user').messages.create(request);
    assert.equal(message.content[0].text, 'Hello! How can I help you today?');
    const sent = upstream.received.at(-1);
    assert.equal(sent.path, '/v1/messages');
    // This SDK version sends the key as a bearer token; older ones as x-api-key. Either is passed on.
    assert.ok([sent.headers['x-api-key'], sent.headers.authorization].some((value) => value?.includes(apiKey)));
    assert.ok(sent.headers['anthropic-version'], 'the SDK\'s version header is passed on');
    assert.deepEqual(JSON.parse(sent.body), request);

    const event = await eventOf('claude-user');
    assert.equal(event.provider, 'anthropic');
    assert.equal(event.model, 'claude-3-5-sonnet-20241022');
    assert.equal(event.endpoint, '/v1/messages');
    assert.equal(event['tags.feature'], 'greeting');
    assert.equal(event['sum:input_tokens'], 12 + 2048);  // input_tokens + cache reads
    assert.equal(event['sum:cached_input_tokens'], 2048);
    assert.equal(event['sum:output_tokens'], 11);
    assert.ok(event['sum:cost_usd'] > 0);
  });

  test('streamed message', async () => {
    const stream = client('anthropic_stream', 'claude-stream').messages.stream(request);
    let text = '';
    stream.on('text', (delta) => { text += delta; });
    const final = await stream.finalMessage();
    assert.equal(text, 'Hello!');
    assert.equal(final.usage.output_tokens, 15);
    const event = await eventOf('claude-stream');
    assert.equal(event.streaming, true);
    assert.equal(event['sum:input_tokens'], 25 + 1024);  // input_tokens + cache writes
    assert.equal(event['sum:cache_write_tokens'], 1024);
    assert.equal(event['sum:output_tokens'], 15);
    assert.ok(event['max:ttft_ms'] > 0);
  });

  test('overloaded', async () => {
    await assert.rejects(client('anthropic_overloaded', 'claude-busy').messages.create(request),
                         (error) => error instanceof Anthropic.APIError && error.status === 529);
    const event = await eventOf('claude-busy');
    assert.equal(event.status, 'error');
    assert.equal(event.error_type, 'overloaded_error');
    assert.equal(event.http_status, 529);
  });
});
