// The `mlflow` npm package (an MLflow REST 2.0 client, github.com/Yuhsak/mlflow) pointed at
// MLtrack as its tracking server, unchanged: it creates an experiment and runs, logs MLtrack's
// llm.* tags and metrics, finishes the runs and lists them back. Each finished run is then one
// event (POST /api/v1/query), and the Executive Dashboard counts the experiment and the runs.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import MLflow from 'mlflow';
import { startServer } from '../support/server.mjs';

let server;
let mlflow;
const quietLog = console.log;

before(async () => {
  server = await startServer();
  mlflow = new MLflow({ endpoint: server.url });
  console.log = () => {};  // the package prints every request body it sends
});
after(async () => {
  console.log = quietLog;
  await server?.stop();
  server?.cleanup();
});

const tag = (key, value) => ({ key, value });
const metric = (key, value, timestamp) => ({ key, value, timestamp, step: 0 });

test('the mlflow client logs runs that become events and dashboard counts', async () => {
  const { Experiments, Runs } = mlflow;
  const { experiment_id: experimentId } = await Experiments.create({ name: 'mlflow-js-client' });
  const { experiment } = await Experiments.get({ experiment_id: experimentId });
  assert.equal(experiment.name, 'mlflow-js-client');

  const start = Date.now() - 120_000;
  const llmRun = async (model, user, prompt, completion, latency) => {
    const { run } = await Runs.create({
      experiment_id: experimentId,
      start_time: start,
      tags: [tag('llm.provider', 'openai'), tag('llm.model', model), tag('mltrack.user.id', user),
             tag('mlflow.runName', `${model}-call`)],
    });
    const runId = run.info.run_id;
    await Runs.logBatch({
      run_id: runId,
      metrics: [metric('llm.latency_ms', latency, start), metric('llm.tokens.prompt_tokens', prompt, start),
                metric('llm.tokens.completion_tokens', completion, start),
                metric('llm.tokens.total_tokens', prompt + completion, start), metric('quality_score', 0.9, start)],
      params: [tag('temperature', '0.3')],
      tags: [tag('env', 'test')],
    });
    await Runs.update({ run_id: runId, status: 'FINISHED', end_time: start + latency });
    return runId;
  };
  const first = await llmRun('gpt-4o-mini', 'ana', 1000, 100, 700);
  const second = await llmRun('gpt-4o', 'ben', 2000, 300, 1500);

  const { run: training } = await Runs.create({ experiment_id: experimentId, start_time: start });
  await Runs.logMetric({ run_id: training.info.run_id, key: 'rmse', value: 0.31, timestamp: start, step: 4 });
  await Runs.logParameter({ run_id: training.info.run_id, key: 'epochs', value: '10' });
  await Runs.setTag({ run_id: training.info.run_id, key: 'scratch', value: 'x' });
  await Runs.deleteTag({ run_id: training.info.run_id, key: 'scratch' });
  await Runs.update({ run_id: training.info.run_id, status: 'FAILED', end_time: start + 60_000 });

  // Listing back: search with the filter and order forms MLflow clients send, and get.
  const { runs } = await Runs.search({
    experiment_ids: [experimentId],
    filter: "tags.`llm.provider` = 'openai' and metrics.`llm.latency_ms` > 500",
    order_by: ['metrics.`llm.latency_ms` DESC'],
  });
  assert.deepEqual(runs.map((run) => run.info.run_id), [second, first]);
  assert.equal(runs[0].data.params[0].value, '0.3');
  const { run: got } = await Runs.get({ run_id: training.info.run_id });
  assert.equal(got.info.status, 'FAILED');
  assert.deepEqual(got.data.metrics.map((m) => [m.key, m.value, m.step]), [['rmse', 0.31, 4]]);
  assert.deepEqual(got.data.tags.map((t) => t.key), []);
  const { experiments } = await Experiments.list();
  assert.ok(experiments.some((e) => e.experiment_id === experimentId));

  // The events.
  const rows = await server.query({
    group_by: ['experiment', 'operation', 'status', 'model', 'user'],
    metrics: ['count', 'sum:input_tokens', 'sum:output_tokens', 'avg:latency_ms', 'count:cost_usd'],
    order_by: [{ field: 'model', dir: 'asc' }],
  });
  assert.deepEqual(rows.map((row) => [row.experiment, row.operation, row.status, row.model, row.user, row.count,
                                      row['sum:input_tokens'], row['sum:output_tokens'], row['avg:latency_ms']]), [
    ['mlflow-js-client', 'chat', 'ok', 'gpt-4o', 'ben', 1, 2000, 300, 1500],
    ['mlflow-js-client', 'chat', 'ok', 'gpt-4o-mini', 'ana', 1, 1000, 100, 700],
    // The training run: no model or user (the client sent no user_id), end − start as latency.
    ['mlflow-js-client', 'run', 'error', null, null, 1, 0, 0, 60000],
  ]);
  for (const row of rows.filter((row) => row.operation === 'chat')) assert.equal(row['count:cost_usd'], 1);

  // The Executive Dashboard: one experiment, three runs, two of three succeeded.
  const overview = await (await fetch(`${server.url}/api/analytics/overview?from=now-1d&to=now%2B1h`)).json();
  assert.equal(overview.cards.experiments.value, 1);
  assert.equal(overview.cards.runs.value, 3);
  assert.ok(Math.abs(overview.cards.success_rate.value - 2 / 3) < 1e-3, JSON.stringify(overview.cards.success_rate));
});

test('MLflow errors reach the client in MLflow format', async () => {
  await assert.rejects(mlflow.Runs.get({ run_id: 'no-such-run' }), (error) => {
    const { status, data } = JSON.parse(error.message.replace(/^Error: /, ''));
    assert.equal(status, 404);
    assert.equal(data.error_code, 'RESOURCE_DOES_NOT_EXIST');
    assert.match(data.message, /no-such-run/);
    return true;
  });
  await assert.rejects(mlflow.Experiments.create({ name: 'mlflow-js-client' }), /RESOURCE_ALREADY_EXISTS/);
});
