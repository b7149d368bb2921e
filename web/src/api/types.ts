// Types of the server's JSON, kept in step with docs/api.md and DESIGN.md §7 by hand.
// Every number the server may leave out or null is typed `| null` so the UI must decide what to show.

/** A card value with the same figure over the previous period of equal length. */
export interface CardFigure {
  value: number | null;
  previous: number | null;
  /** (value − previous) / previous × 100; null when previous is 0 or null. */
  change_pct: number | null;
}

export interface CostCard extends CardFigure {
  daily: number | null;
  weekly: number | null;
  monthly: number | null;
}

export interface LatencyCard extends CardFigure {
  p95: number | null;
}

export interface SuccessCard extends CardFigure {
  baseline: number | null;
}

export interface TokensCard extends CardFigure {
  input: number | null;
  output: number | null;
  cost_per_1k_tokens: number | null;
}

export interface OverviewCards {
  experiments: CardFigure;
  runs: CardFigure;
  cost_usd: CostCard;
  avg_latency_ms: LatencyCard;
  success_rate: SuccessCard;
  active_users: CardFigure;
  tokens: TokensCard;
}

export interface OverviewRange {
  from: string;
  to: string;
  previous_from: string;
  previous_to: string;
  bucket: string;
  bucket_ms: number;
}

export interface CostTrendPoint {
  /** Bucket start, epoch ms. */
  t: number;
  /** null: no events in the bucket (a gap, never a zero). */
  cost_usd: number | null;
  rolling_30d: number | null;
}

export interface ModelUsage {
  /** "(other)": every model beyond the server's top list; "(none)": events without a model. */
  model: string;
  provider: string;
  count: number;
  share: number;
  cost_usd: number | null;
}

export interface HistogramBin {
  lo: number;
  /** null on the last, open bin (everything from `lo` up). */
  hi: number | null;
  count: number;
}

export interface LatencySummary {
  p50: number | null;
  p90: number | null;
  p99: number | null;
  histogram: HistogramBin[];
}

export interface StatusPoint {
  t: number;
  /** null (all three) for a bucket without events: a gap. Such buckets may also be absent. */
  ok: number | null;
  error: number | null;
  error_rate: number | null;
}

/** GET /api/analytics/overview */
export interface Overview {
  range: OverviewRange;
  demo: boolean;
  total_events: number;
  unpriced_events: number;
  cards: OverviewCards;
  cost_trend: CostTrendPoint[];
  model_usage: ModelUsage[];
  latency: LatencySummary;
  status_over_time: StatusPoint[];
}

/** GET /api/health */
export interface Health {
  status: 'ok' | 'degraded';
  version: string;
  uptime_s: number;
  events: number;
  problems: unknown[];
}

export interface FieldInfo {
  name: string;
  kind: string;
  dimension: boolean;
  measure: boolean;
}

/** GET /api/v1/fields */
export interface Fields {
  fields: FieldInfo[];
  tag_keys: string[];
  score_names: string[];
  /** The store holds generated demo traffic (an experiment named demo-*). */
  demo: boolean;
}

export type FilterOp =
  | 'eq' | 'ne' | 'in' | 'not_in' | 'gt' | 'gte' | 'lt' | 'lte' | 'contains' | 'exists';

export interface QueryFilter {
  field: string;
  op: FilterOp;
  value?: string | number | boolean;
  values?: (string | number | boolean)[];
}

export interface OrderBy {
  column: string;
  dir: 'asc' | 'desc';
}

/** POST /api/v1/query body (DESIGN.md §7). */
export interface QuerySpec {
  from: string;
  to: string;
  filters?: QueryFilter[];
  group_by?: string[];
  bucket?: string;
  /** IANA zone whose local time aligns the buckets ("Europe/Berlin"); default UTC. */
  tz?: string;
  metrics: string[];
  order_by?: OrderBy[];
  limit?: number;
}

export type Cell = string | number | boolean | null;

export interface QueryResult {
  columns: string[];
  rows: Cell[][];
  stats?: { scanned?: number; elapsed_ms?: number };
  /** The query's zone, present only when one other than UTC was asked for. */
  tz?: string;
}

/** The one error shape of every 4xx/5xx. */
export interface ApiErrorBody {
  error: { code: string; message: string; details?: unknown[] };
}

// ---- Performance Monitoring dashboard and annotations (docs/api.md) ---------------------------

export type AnnotationKind = 'deploy' | 'incident' | 'config';

/** A mark on the time axis; `end` is null for a moment. Times in epoch ms. */
export interface Annotation {
  id: number;
  ts: number;
  end: number | null;
  text: string;
  kind: AnnotationKind;
  scope: { field: string; value: string } | null;
  created: number;
}

/** POST /api/v1/annotations body. */
export interface AnnotationInput {
  ts: string | number;
  end?: string | number | null;
  text: string;
  kind: AnnotationKind;
  scope?: { field: string; value: string } | null;
}

export interface Percentiles {
  p50: number | null;
  p90: number | null;
  p95: number | null;
  p99: number | null;
}

export interface PercentilePoint extends Percentiles {
  t: number;
}

export interface ModelPercentiles extends Percentiles {
  model: string;
  provider: string;
  calls: number;
}

export interface PercentileSection {
  overall: Percentiles;
  previous: Percentiles;
  /** Every bucket of the range; a bucket without values has null percentiles (a gap). */
  over_time: PercentilePoint[];
  by_model: ModelPercentiles[];
}

export interface DensityBar {
  lo: number;
  hi: number;
  /** Share of the model's calls in [lo, hi). */
  share: number;
}

export interface ModelDistribution {
  model: string;
  provider: string;
  calls: number;
  min: number;
  q1: number;
  median: number;
  q3: number;
  max: number;
  whisker_low: number;
  whisker_high: number;
  /** Values beyond the whiskers, sampled at fixed tail ranks. */
  outliers: number[];
  density: DensityBar[];
}

export interface ErrorPoint {
  t: number;
  calls: number | null;
  errors: number | null;
  rate: number | null;
  by_type: Record<string, number>;
}

/** Calls and errors of one value of a dimension; `rate` = errors / calls. "(other)" folds the rest. */
export interface ErrorCounts {
  calls: number;
  errors: number;
  rate: number | null;
}

export interface ErrorTypeFigure {
  error_type: string;
  errors: number;
  previous: number;
  change_pct: number | null;
  share: number;
}

export interface PerformanceErrors {
  errors: number;
  rate: number | null;
  previous_errors: number;
  previous_rate: number | null;
  /** Error types with errors in range, most first: the stack order of `over_time[].by_type`. */
  types: string[];
  over_time: ErrorPoint[];
  by_model: (ErrorCounts & { model: string })[];
  by_provider: (ErrorCounts & { provider: string })[];
  by_endpoint: (ErrorCounts & { endpoint: string })[];
  by_error_type: ErrorTypeFigure[];
  by_http_status: { http_status: string; errors: number; share: number }[];
}

export interface PerformanceCache {
  rate: number | null;
  previous_rate: number | null;
  over_time: { t: number; rate: number | null }[];
  by_model: { model: string; provider: string; calls: number; rate: number | null }[];
}

export interface MatrixColumn {
  key: string;
  label: string;
  unit: 'ms' | 'ratio' | 'usd' | 'tokens/s' | string;
  better: 'lower' | 'higher';
}

export interface MatrixRow {
  model: string;
  provider: string;
  calls: number;
  cells: { value: number | null; score: number | null }[];
}

export interface PerformanceSlo {
  threshold_ms: number;
  target: number;
  calls: number;
  good: number;
  compliance: number | null;
  budget_consumed: number | null;
  over_time: { t: number; calls: number | null; good: number | null; compliance: number | null; burn_rate: number | null }[];
}

export interface ScatterCell {
  model: string;
  /** Lower bounds of the cell; it spans one width on each axis. */
  output_tokens: number;
  ttft_ms: number;
  calls: number;
}

/** GET /api/analytics/performance */
export interface Performance {
  range: OverviewRange;
  demo: boolean;
  total_events: number;
  models_total: number;
  summary: {
    calls: CardFigure;
    latency_p50_ms: CardFigure;
    latency_p95_ms: CardFigure;
    latency_p99_ms: CardFigure;
    ttft_p50_ms: CardFigure;
    error_rate: CardFigure;
    cache_hit_rate: CardFigure;
  };
  latency: PercentileSection;
  ttft: PercentileSection;
  /** Output tokens per second of generation (tokens_per_s), per top model. */
  throughput: {
    by_model: { model: string; provider: string; calls: number; tokens_per_s_p50: number | null; tokens_per_s_p90: number | null }[];
  };
  distribution: { by_model: ModelDistribution[] };
  errors: PerformanceErrors;
  cache: PerformanceCache;
  matrix: { columns: MatrixColumn[]; rows: MatrixRow[] };
  slo: PerformanceSlo | null;
  scatter: {
    output_tokens_width: number;
    ttft_ms_width: number;
    sampled: boolean;
    sampled_calls: number;
    cells: ScatterCell[];
  };
  annotations: Annotation[];
}


// ---- Model Comparison (GET /api/analytics/models/compare, GET /api/analytics/ab; docs/api.md) ----

/** A 95 % interval [lo, hi]. */
export type Interval = [number, number];

export interface ModelScore {
  name: string;
  n: number;
  mean: number;
  sd: number | null;
  ci95: Interval | null;
}

export interface Percentiles {
  p50: number | null;
  p90: number | null;
  p95: number | null;
  p99: number | null;
}

/** "yes" only where the price catalogue states it; the catalogue never says "no". */
export type FeatureSupport = 'yes' | 'unknown';

export interface ModelFeatures {
  in_catalogue: boolean;
  context_window: number | null;
  vision: FeatureSupport;
  tools: FeatureSupport;
  reasoning: FeatureSupport;
  /** As observed in the selected events. */
  streaming: 'yes' | 'not_observed';
  streaming_share: number | null;
}

export interface ComparedModel {
  model: string;
  provider: string;
  calls: number;
  priced_calls: number;
  cost_usd: number | null;
  cost_per_call_usd: number | null;
  /** input/output: the catalogue's list prices; blended: observed cost per 1K tokens. */
  cost_per_1k_usd: { input: number | null; output: number | null; blended: number | null };
  tokens: { input: number; output: number };
  latency_ms: Percentiles;
  ttft_ms: Percentiles;
  tokens_per_s: number | null;
  error_rate: { value: number | null; errors: number; ci95: Interval | null };
  cache_hit_rate: number | null;
  scores: ModelScore[];
  features: ModelFeatures;
}

export interface RadarAxis {
  metric: string;
  label: string;
  unit: string;
  better: 'higher' | 'lower';
  min: number | null;
  max: number | null;
}

export interface DecisionTerm {
  metric: string;
  weight: number;
  value: number | null;
  normalized: number | null;
  contribution: number;
}

export interface DecisionRow {
  model: string;
  rank: number;
  score: number;
  coverage: number;
  terms: DecisionTerm[];
}

export interface CostQualityPoint {
  model: string;
  cost_per_1k_usd: number;
  quality: number;
  ci95: Interval | null;
  n: number;
  pareto: boolean;
}

export interface ModelComparison {
  range: { from: string; to: string };
  default_models: boolean;
  quality: string | null;
  models: ComparedModel[];
  radar: { axes: RadarAxis[]; series: { model: string; values: (number | null)[]; raw: (number | null)[] }[] };
  cost_quality: { quality: string | null; points: CostQualityPoint[]; frontier: string[] };
  decision: { weights: { metric: string; weight: number }[]; rows: DecisionRow[] };
}

export interface AbMeanSide {
  n: number;
  mean: number | null;
  sd: number | null;
}

export interface AbRateSide {
  n: number;
  successes: number;
  rate: number | null;
  ci95: Interval | null;
}

export interface AbMetric {
  metric: string;
  label: string;
  unit: string;
  better: 'lower' | 'higher' | 'neither';
  test: 'welch_t' | 'two_proportion_z' | 'fisher_exact' | 'insufficient_data';
  a: AbMeanSide | AbRateSide;
  b: AbMeanSide | AbRateSide;
  /** b − a. */
  diff: number | null;
  ci95: Interval | null;
  /** b / a − 1. */
  rel_diff: number | null;
  rel_ci95: Interval | null;
  p_value: number | null;
  /** Holm-adjusted over every metric of the response. */
  p_adjusted: number | null;
  significant: boolean;
  mde: number | null;
  mde_rel: number | null;
}

export interface AbSide {
  value: string;
  calls: number;
  cost_usd: number | null;
}

export interface AbComparison {
  range: { from: string; to: string };
  dimension: string;
  a: AbSide;
  b: AbSide;
  alpha: number;
  power: number;
  metrics: AbMetric[];
  verdict: string;
}
