// The official `openai` SDK with its baseURL at MLtrack's proxy, against a fake upstream that
// replays OpenAI's recorded responses: what the SDK gets is what OpenAI sent, and each call is
// one event with the right model, usage, latency and status.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import { startFakeUpstream, recording } from '../support/fake_upstream.mjs';
import { filesUnder, startServer } from '../support/server.mjs';

const apiKey = 'sk-proj-client-test-KEY-7c1e';
let upstream;
let server;

before(async () => {
  upstream = await startFakeUpstream();
  server = await startServer(['--upstream', `openai=${upstream.url}`, '--upstream', `anthropic=${upstream.url}`,
                              '--log-level', 'debug']);
});
after(async () => {
  await server?.stop();
  await upstream?.stop();
  server?.cleanup();
});

function client(cassette, labels = {}) {
  return new OpenAI({
    apiKey,
    baseURL: `${server.url}/proxy/openai/v1`,
    maxRetries: 0,
    defaultHeaders: { 'X-Cassette': cassette, 'X-MLtrack-Experiment': 'sdk-test', ...labels },
  });
}

// The request body as recorded, for the SDK to send again.
const recordedRequest = (cassette) => JSON.parse(recording(cassette).request.body);
const recordedResponse = (cassette) => JSON.parse(recording(cassette).body);

// The rows of `spec` over the events of user `user`, once `expected` of them are stored.
async function rowsOf(user, expected, spec) {
  const filtered = { ...spec, filters: [{ field: 'user', op: 'eq', value: user }] };
  const deadline = Date.now() + 20_000;
  for (;;) {
    const rows = await server.query(filtered);
    if (rows.reduce((sum, row) => sum + row.count, 0) >= expected) return rows;
    if (Date.now() > deadline) throw new Error(`fewer than ${expected} events for user ${user}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

// The events of user `user` as one row, once `expected` of them are stored.
async function eventOf(user, expected = 1) {
  const rows = await rowsOf(user, expected, {
    group_by: ['experiment', 'provider', 'model', 'operation', 'endpoint', 'status', 'error_type', 'http_status',
               'streaming', 'cache_hit'],
    metrics: ['count', 'sum:input_tokens', 'sum:output_tokens', 'sum:cached_input_tokens', 'sum:reasoning_tokens',
              'sum:cost_usd', 'max:latency_ms', 'max:ttft_ms'],
  });
  assert.equal(rows.length, 1, JSON.stringify(rows));
  return rows[0];
}

describe('openai SDK through the proxy', () => {
  test('chat completion', async () => {
    const cassette = 'test_chat_completion_with_content';
    const completion = await client(cassette, { 'X-MLtrack-User': 'chat' }).chat.completions.create(
      recordedRequest(cassette));
    const recorded = recordedResponse(cassette);
    assert.equal(completion.choices[0].message.content, 'This is a test.');
    assert.equal(completion.id, recorded.id);
    const sent = upstream.received.at(-1);
    assert.equal(sent.path, '/v1/chat/completions');
    assert.deepEqual(JSON.parse(sent.body), recordedRequest(cassette));
    assert.equal(sent.headers.authorization, `Bearer ${apiKey}`);
    assert.equal(sent.headers['x-mltrack-user'], undefined);

    const event = await eventOf('chat');
    assert.equal(event.experiment, 'sdk-test');
    assert.equal(event.provider, 'openai');
    assert.equal(event.model, recorded.model);
    assert.equal(event.operation, 'chat');
    assert.equal(event.endpoint, '/v1/chat/completions');
    assert.equal(event.status, 'ok');
    assert.equal(event.http_status, 200);
    assert.equal(event.streaming, false);
    assert.equal(event['sum:input_tokens'], recorded.usage.prompt_tokens);
    assert.equal(event['sum:output_tokens'], recorded.usage.completion_tokens);
    assert.ok(event['sum:cost_usd'] > 0, 'priced from the catalogue');
    assert.ok(event['max:latency_ms'] > 0);
  });

  test('streaming with usage', async () => {
    const cassette = 'test_chat_completion_streaming';
    const stream = await client(cassette, { 'X-MLtrack-User': 'stream' }).chat.completions.create(
      recordedRequest(cassette));
    let text = '';
    let usage;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? '';
      usage = chunk.usage ?? usage;
    }
    assert.equal(text, '"This is a test."');
    assert.deepEqual([usage.prompt_tokens, usage.completion_tokens], [12, 5]);
    const event = await eventOf('stream');
    assert.equal(event.model, 'gpt-4-0613');
    assert.equal(event.streaming, true);
    assert.equal(event['sum:input_tokens'], 12);
    assert.equal(event['sum:output_tokens'], 5);
    assert.ok(event['max:ttft_ms'] > 0 && event['max:ttft_ms'] <= event['max:latency_ms']);
  });

  test('streamed tool calls', async () => {
    const cassette = 'test_chat_completion_multiple_tools_streaming_with_content';
    const stream = await client(cassette, { 'X-MLtrack-User': 'tools-stream' }).chat.completions.create(
      recordedRequest(cassette));
    const calls = new Map();
    for await (const chunk of stream) {
      for (const call of chunk.choices[0]?.delta?.tool_calls ?? []) {
        const entry = calls.get(call.index) ?? { name: '', args: '' };
        entry.name += call.function?.name ?? '';
        entry.args += call.function?.arguments ?? '';
        calls.set(call.index, entry);
      }
    }
    assert.ok(calls.size >= 1, 'the tool calls came through the proxy');
    for (const { args } of calls.values()) JSON.parse(args);
    const event = await eventOf('tools-stream');
    assert.equal(event.streaming, true);
    assert.equal(event.status, 'ok');
  });

  test('tool call round trip', async () => {
    const first = await client('test_chat_completion_tool_calls_with_content', { 'X-MLtrack-User': 'tools' })
      .chat.completions.create(recordedRequest('test_chat_completion_tool_calls_with_content'));
    assert.equal(first.choices[0].message.tool_calls.length, 2);
    const second = await client('test_chat_completion_tool_calls_with_content#2', { 'X-MLtrack-User': 'tools' })
      .chat.completions.create(JSON.parse(recording('test_chat_completion_tool_calls_with_content#2').request.body));
    assert.match(second.choices[0].message.content, /Seattle/);
    const event = await eventOf('tools', 2);
    assert.equal(event.count, 2);
    assert.equal(event['sum:input_tokens'], 75 + 99);
    assert.equal(event['sum:output_tokens'], 51 + 25);
  });

  test('model not found', async () => {
    const cassette = 'test_chat_completion_404';
    await assert.rejects(
      client(cassette, { 'X-MLtrack-User': 'missing' }).chat.completions.create(recordedRequest(cassette)),
      (error) => error instanceof OpenAI.NotFoundError && error.code === 'model_not_found');
    const event = await eventOf('missing');
    assert.equal(event.status, 'error');
    assert.equal(event.error_type, 'model_not_found');
    assert.equal(event.http_status, 404);
    assert.equal(event.model, 'this-model-does-not-exist');
  });

  test('embeddings error', async () => {
    const cassette = 'test_embeddings_model_not_found';
    await assert.rejects(
      client(cassette, { 'X-MLtrack-User': 'embed' }).embeddings.create(recordedRequest(cassette)),
      OpenAI.NotFoundError);
    const event = await eventOf('embed');
    assert.equal(event.operation, 'embedding');
    assert.equal(event.endpoint, '/v1/embeddings');
    assert.equal(event.error_type, 'model_not_found');
  });

  test('responses API: cached and reasoning tokens', async () => {
    const cached = 'test_responses_create_aggregates_cache_tokens';
    const response = await client(cached, { 'X-MLtrack-User': 'responses' }).responses.create(recordedRequest(cached));
    assert.equal(response.output_text, 'This is a test.');
    const recorded = recordedResponse(cached);
    const event = await eventOf('responses');
    assert.equal(event.endpoint, '/v1/responses');
    assert.equal(event['sum:input_tokens'], recorded.usage.input_tokens);
    assert.equal(event['sum:cached_input_tokens'], recorded.usage.input_tokens_details.cached_tokens);

    const reasoning = 'test_responses_create_reports_reasoning_tokens';
    await client(reasoning, { 'X-MLtrack-User': 'reasoning' }).responses.create(recordedRequest(reasoning));
    const usage = recordedResponse(reasoning).usage;
    const reasoningEvent = await eventOf('reasoning');
    assert.equal(reasoningEvent.model, recordedResponse(reasoning).model);
    assert.equal(reasoningEvent['sum:output_tokens'], usage.output_tokens);
    assert.equal(reasoningEvent['sum:reasoning_tokens'], usage.output_tokens_details.reasoning_tokens);
    assert.ok(usage.output_tokens_details.reasoning_tokens > 0);
  });

  test('responses API error', async () => {
    const cassette = 'test_responses_create_api_error';
    await assert.rejects(
      client(cassette, { 'X-MLtrack-User': 'responses-error' }).responses.create(recordedRequest(cassette)),
      OpenAI.BadRequestError);
    const event = await eventOf('responses-error');
    assert.equal(event.http_status, 400);
    assert.equal(event.error_type, 'model_not_found');
  });

  test('cache: the second identical call is answered by MLtrack', async () => {
    const cassette = 'test_chat_completion_with_content';
    const cachedClient = client(cassette, { 'X-MLtrack-User': 'cache', 'X-MLtrack-Cache': 'on' });
    const before = upstream.received.length;
    const first = await cachedClient.chat.completions.create(recordedRequest(cassette)).withResponse();
    const second = await cachedClient.chat.completions.create(recordedRequest(cassette)).withResponse();
    assert.equal(first.response.headers.get('x-mltrack-cache'), 'MISS');
    assert.equal(second.response.headers.get('x-mltrack-cache'), 'HIT');
    assert.deepEqual(second.data, first.data);
    assert.equal(upstream.received.length, before + 1);
    const rows = await rowsOf('cache', 2, {
      group_by: ['cache_hit'], metrics: ['count', 'sum:cost_usd'], order_by: [{ column: 'cache_hit', dir: 'asc' }] });
    assert.deepEqual(rows.map((row) => [row.cache_hit, row.count]), [[false, 1], [true, 1]]);
    assert.equal(rows[1]['sum:cost_usd'], 0);
  });

  test('the API key reached the upstream and nowhere else', async () => {
    assert.ok(upstream.received.every((request) => request.headers.authorization === `Bearer ${apiKey}`));
    await server.stop();  // the WAL and the log are complete
    assert.ok(!server.log().includes(apiKey), 'the key is not in the server log');
    assert.ok(server.log().includes('/proxy/openai/v1/chat/completions'), 'the debug log lists the calls');
    for (const bytes of filesUnder(server.dataDir)) {
      assert.equal(bytes.indexOf(apiKey), -1, 'the key is not in any stored file');
    }
  });
});
