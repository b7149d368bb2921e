// A small comparison as the server returns it: three models (one without scores or TTFT), worked
// out by hand like tests/dashboards/models_compare/three_models.test. Shared by the prepare tests.
import type { AbComparison, ComparedModel, ModelComparison } from '../../../api/types';

function model(name: string, over: Partial<ComparedModel>): ComparedModel {
  return {
    model: name,
    provider: 'acme',
    calls: 4,
    priced_calls: 4,
    cost_usd: 0.009,
    cost_per_call_usd: 0.00225,
    cost_per_1k_usd: { input: null, output: null, blended: 0.002093023255813953 },
    tokens: { input: 3700, output: 600 },
    latency_ms: { p50: 250, p90: 370, p95: 385, p99: 397 },
    ttft_ms: { p50: 50, p90: 58, p95: 59, p99: 59.8 },
    tokens_per_s: null,
    error_rate: { value: 0.25, errors: 1, ci95: [0.0455872608097006, 0.699358157417598] },
    cache_hit_rate: 0.25,
    scores: [],
    features: { in_catalogue: false, context_window: null, vision: 'unknown', tools: 'unknown', reasoning: 'unknown', streaming: 'yes', streaming_share: 0.5 },
    ...over,
  };
}

export function sampleComparison(): ModelComparison {
  return {
    range: { from: '2026-01-01T00:00:00.000Z', to: '2026-01-02T00:00:00.000Z' },
    default_models: true,
    quality: 'scores.quality',
    models: [
      model('alpha', { scores: [{ name: 'quality', n: 3, mean: 0.7, sd: 0.1, ci95: [0.4515862, 0.9484138] }] }),
      model('beta', {
        calls: 3,
        priced_calls: 2,
        cost_usd: 0.03,
        cost_per_call_usd: 0.015,
        cost_per_1k_usd: { input: 0.0025, output: 0.01, blended: 0.009782608695652174 },
        latency_ms: { p50: 600, p90: 680, p95: 690, p99: 698 },
        ttft_ms: { p50: 200, p90: 280, p95: 290, p99: 298 },
        error_rate: { value: 0, errors: 0, ci95: [0, 0.5614970317550454] },
        cache_hit_rate: 0,
        scores: [{ name: 'quality', n: 2, mean: 0.95, sd: 0.0707107, ci95: [0.3146898, 1.5853102] }],
        features: { in_catalogue: true, context_window: 128000, vision: 'yes', tools: 'unknown', reasoning: 'unknown', streaming: 'yes', streaming_share: 2 / 3 },
      }),
      model('gamma', {
        calls: 5,
        cost_usd: 0.0005,
        cost_per_call_usd: 0.0001,
        cost_per_1k_usd: { input: null, output: null, blended: 0.001 },
        latency_ms: { p50: 10, p90: 10, p95: 10, p99: 10 },
        ttft_ms: { p50: null, p90: null, p95: null, p99: null },
        error_rate: { value: 0, errors: 0, ci95: [0, 0.4344825] },
        cache_hit_rate: 0,
        features: { in_catalogue: false, context_window: null, vision: 'unknown', tools: 'unknown', reasoning: 'unknown', streaming: 'not_observed', streaming_share: 0 },
      }),
    ],
    radar: {
      axes: [
        { metric: 'cost', label: 'Cost / 1K tokens', unit: 'usd', better: 'lower', min: 0.001, max: 0.009782608695652174 },
        { metric: 'quality', label: 'Quality', unit: 'score', better: 'higher', min: 0.7, max: 0.95 },
        { metric: 'latency', label: 'Latency p50', unit: 'ms', better: 'lower', min: 10, max: 600 },
        { metric: 'ttft', label: 'TTFT p50', unit: 'ms', better: 'lower', min: 50, max: 200 },
        { metric: 'error_rate', label: 'Error rate', unit: 'ratio', better: 'lower', min: 0, max: 0.25 },
      ],
      series: [
        { model: 'alpha', values: [0.8755468570112825, 0, 0.5932203389830508, 1, 0], raw: [0.002093023255813953, 0.7, 250, 50, 0.25] },
        { model: 'beta', values: [0, 1, 0, 0, 1], raw: [0.009782608695652174, 0.95, 600, 200, 0] },
        { model: 'gamma', values: [1, null, 1, null, 1], raw: [0.001, null, 10, null, 0] },
      ],
    },
    cost_quality: {
      quality: 'scores.quality',
      points: [
        { model: 'alpha', cost_per_1k_usd: 0.002093023255813953, quality: 0.7, ci95: [0.4515862, 0.9484138], n: 3, pareto: true },
        { model: 'beta', cost_per_1k_usd: 0.009782608695652174, quality: 0.95, ci95: [0.3146898, 1.5853102], n: 2, pareto: true },
      ],
      frontier: ['alpha', 'beta'],
    },
    decision: {
      weights: [
        { metric: 'cost', weight: 0.4 },
        { metric: 'quality', weight: 0.4 },
        { metric: 'latency', weight: 0.2 },
      ],
      rows: [
        { model: 'gamma', rank: 1, score: 0.6, coverage: 0.6, terms: [] },
        { model: 'alpha', rank: 2, score: 0.4688628106011232, coverage: 1, terms: [] },
        { model: 'beta', rank: 3, score: 0.4, coverage: 1, terms: [] },
      ],
    },
  };
}

/** v1 vs v2 as in tests/dashboards/ab/prompt_versions.test (two metrics kept). */
export function sampleAb(): AbComparison {
  return {
    range: { from: '2026-01-01T00:00:00.000Z', to: '2026-01-02T00:00:00.000Z' },
    dimension: 'prompt_version',
    a: { value: 'v1', calls: 4, cost_usd: 0.046 },
    b: { value: 'v2', calls: 4, cost_usd: 0.032 },
    alpha: 0.05,
    power: 0.8,
    metrics: [
      {
        metric: 'avg:cost_usd',
        label: 'cost per call',
        unit: 'usd',
        better: 'lower',
        test: 'welch_t',
        a: { n: 4, mean: 0.0115, sd: 0.0012909944487358054 },
        b: { n: 4, mean: 0.008, sd: 0.0008164965809277256 },
        diff: -0.0035,
        ci95: [-0.005455307156561054, -0.0015446928434389457],
        rel_diff: -0.30434782608695654,
        rel_ci95: [-0.40777961712271915, -0.20091603505119393],
        p_value: 0.00573625360840087,
        p_adjusted: 0.04015377525880609,
        significant: true,
        mde: 0.002139746054645339,
        mde_rel: 0.186064874316986,
      },
      {
        metric: 'avg:output_tokens',
        label: 'output tokens',
        unit: 'tokens',
        better: 'neither',
        test: 'welch_t',
        a: { n: 4, mean: 115, sd: 12.909944487358056 },
        b: { n: 4, mean: 81.25, sd: 8.539125638299666 },
        diff: -33.75,
        ci95: [-53.41283636654039, -14.087163633459614],
        rel_diff: -0.2934782608695652,
        rel_ci95: [-0.3999510481207508, -0.1870054736183796],
        p_value: 0.006644522974103949,
        p_adjusted: 0.04015377525880609,
        significant: true,
        mde: 21.682139941019432,
        mde_rel: 0.18854034731321245,
      },
      {
        metric: 'rate:error',
        label: 'error rate',
        unit: 'ratio',
        better: 'lower',
        test: 'fisher_exact',
        a: { n: 4, successes: 1, rate: 0.25, ci95: [0.0455872608097006, 0.699358157417598] },
        b: { n: 4, successes: 0, rate: 0, ci95: [0, 0.4898908364545971] },
        diff: -0.25,
        ci95: [-0.699358157417598, 0.2808272784865772],
        rel_diff: -1,
        rel_ci95: [-2.797432629670392, 1.1233091139463088],
        p_value: 1,
        p_adjusted: 1,
        significant: false,
        mde: 0.6551607516268166,
        mde_rel: 2.6206430065072666,
      },
    ],
    verdict:
      'prompt_version v2 costs 30 % less per call than v1 (95 % CI 20–41 %, p = 0.040) and writes 29 % fewer output tokens (95 % CI 19–40 %, p = 0.040); n = 4 vs 4.',
  };
}
