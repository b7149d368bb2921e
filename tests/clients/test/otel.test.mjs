// The OpenTelemetry JS SDK with OpenLLMetry's OpenAI instrumentation (@traceloop/instrumentation-
// openai) exporting to MLtrack's POST /v1/traces, once over OTLP/HTTP JSON and once over
// protobuf: the spans come from real instrumentation of real `openai` SDK calls (against the fake
// upstream replaying OpenAI's recordings), and become events. (This instrumentation version ends
// no span for a call that failed, so error spans are tested with built exports in
// tests/integration/otlp_test.cc.)
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { NodeTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { OpenAIInstrumentation } from '@traceloop/instrumentation-openai';
import { recording, startFakeUpstream } from '../support/fake_upstream.mjs';
import { startServer } from '../support/server.mjs';

let upstream;
let server;
// As NodeTracerProvider.register() would, without making a provider global: spans started inside
// an active span become its children.
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
const instrumentation = new OpenAIInstrumentation();
instrumentation.manuallyInstrument(OpenAI);

before(async () => {
  upstream = await startFakeUpstream();
  server = await startServer();
});
after(async () => {
  await server?.stop();
  await upstream?.stop();
  server?.cleanup();
});

const recordedRequest = (cassette) => JSON.parse(recording(cassette).request.body);

// Runs `calls` with spans exported by `exporter` under service.name `service`.
async function traced(service, exporter, calls) {
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': service, 'deployment.environment': 'ci' }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  instrumentation.setTracerProvider(provider);
  const client = (cassette) => new OpenAI({
    apiKey: 'sk-otel-test', baseURL: `${upstream.url}/v1`, maxRetries: 0,
    defaultHeaders: { 'X-Cassette': cassette },
  });
  // A span that is not an LLM call, around the LLM calls: counted and skipped by MLtrack.
  await provider.getTracer('app').startActiveSpan('handle request', async (span) => {
    await calls(client);
    span.end();
  });
  await provider.forceFlush();
  await provider.shutdown();
}

async function eventsOf(service, expected) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const rows = await server.query({
      filters: [{ field: 'experiment', op: 'eq', value: service }],
      group_by: ['provider', 'model', 'operation', 'status', 'error_type', 'tags.deployment.environment'],
      metrics: ['count', 'sum:input_tokens', 'sum:output_tokens', 'sum:cost_usd', 'min:latency_ms', 'uniq:trace_id'],
      order_by: [{ column: 'model', dir: 'asc' }],
    });
    if (rows.reduce((sum, row) => sum + row.count, 0) >= expected) return rows;
    if (Date.now() > deadline) throw new Error(`fewer than ${expected} events for ${service}: ${JSON.stringify(rows)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function checkExport(service, exporter) {
  await traced(service, exporter, async (client) => {
    await client('test_chat_completion_with_content').chat.completions.create(
      recordedRequest('test_chat_completion_with_content'));
    const stream = await client('test_chat_completion_streaming').chat.completions.create(
      recordedRequest('test_chat_completion_streaming'));
    for await (const chunk of stream) void chunk;
  });
  const rows = await eventsOf(service, 2);
  assert.deepEqual(rows.map((row) => [row.model, row.status]), [['gpt-4-0613', 'ok'], ['gpt-4o-mini-2024-07-18', 'ok']]);
  for (const row of rows) {
    assert.equal(row.provider, 'openai');
    assert.equal(row.operation, 'chat');
    assert.equal(row['tags.deployment.environment'], 'ci');
    assert.ok(row['min:latency_ms'] > 0);
  }
  // The recorded usage, as the instrumentation saw it. (It reads no usage from a stream: the
  // streamed call's event has none, and is unpriced rather than free.)
  assert.equal(rows[1]['sum:input_tokens'], 12);
  assert.equal(rows[1]['sum:output_tokens'], 5);
  assert.ok(rows[1]['sum:cost_usd'] > 0);
  // Both calls ran inside one request span: one trace.
  const [all] = await server.query({ filters: [{ field: 'experiment', op: 'eq', value: service }],
                                     metrics: ['uniq:trace_id'] });
  assert.equal(all['uniq:trace_id'], 1);
}

describe('OpenTelemetry export of instrumented openai calls', () => {
  test('OTLP/HTTP JSON', async () => {
    await checkExport('otel-json', new JsonExporter({ url: `${server.url}/v1/traces` }));
  });

  test('OTLP/HTTP protobuf', async () => {
    await checkExport('otel-proto', new ProtoExporter({ url: `${server.url}/v1/traces` }));
  });

  test('message content is not stored', async () => {
    const fields = await (await fetch(`${server.url}/api/v1/fields`)).json();
    assert.ok(fields.tag_keys.length > 0);
    for (const key of fields.tag_keys) {
      assert.ok(!key.startsWith('gen_ai.input') && !key.startsWith('gen_ai.output') && !key.startsWith('gen_ai.prompt'),
                `${key} holds content`);
    }
  });
});
