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

// ---- Cost analysis, budgets, alerts, webhooks (docs/api.md) -------------------------------------

export interface CostTotals {
  cost_usd: CardFigure;
  calls: CardFigure;
  tokens: CardFigure;
  cost_per_1k_tokens: CardFigure;
  unpriced_calls: number;
}

export interface BreakdownRow {
  /** "(none)": events without the dimension; "(other)": the rows beyond the top N. */
  key: string;
  /** null: every call of the row is unpriced (never shown as free). */
  cost_usd: number | null;
  share: number | null;
  calls: number;
  unpriced_calls: number;
  tokens: number;
  cost_per_1k_tokens: number | null;
  previous_cost_usd: number | null;
  change_pct: number | null;
}

export interface Breakdown {
  distinct: number;
  rows: BreakdownRow[];
}

export interface CostOverTime {
  stack_by: string;
  bucket: string;
  bucket_ms: number;
  t: number[];
  /** Per series, one value per `t`; null = a bucket without any event (a gap). */
  series: { name: string; cost_usd: (number | null)[] }[];
}

export interface HeatCell {
  /** 0 = Monday. */
  weekday: number;
  hour: number;
  calls: number;
  cost_usd: number | null;
}

export interface FlowGraph {
  nodes: { id: string; kind: string; name: string; cost_usd: number }[];
  links: { source: string; target: string; cost_usd: number }[];
}

export interface ModelEfficiency {
  provider: string;
  model: string;
  calls: number;
  cost_usd: number | null;
  input_tokens: number;
  output_tokens: number;
  cached_input_tokens: number;
  cost_per_1k_tokens: number | null;
  cost_per_1k_input_tokens: number | null;
  cost_per_1k_output_tokens: number | null;
  output_input_ratio: number | null;
  cached_share: number | null;
  caching_saved_usd: number | null;
  list_price_per_1m: { input_usd: number | null; cached_input_usd: number | null; output_usd: number | null };
}

export interface UnpricedUsage {
  calls: number;
  input_tokens: number;
  output_tokens: number;
  models: { provider: string; model: string; calls: number; input_tokens: number; output_tokens: number }[];
}

/** GET /api/analytics/cost */
export interface CostReport {
  range: OverviewRange & { tz: string };
  demo: boolean;
  totals: CostTotals;
  /** provider, model, experiment, user, team, then each requested tags.<key>. */
  breakdowns: Record<string, Breakdown>;
  over_time: CostOverTime;
  heatmap: { tz: string; cells: HeatCell[] };
  flows: { team_experiment_model: FlowGraph; provider_model: FlowGraph };
  efficiency: ModelEfficiency[];
  unpriced: UnpricedUsage;
}

export type BudgetPeriod = 'day' | 'week' | 'month';

/** POST /api/v1/budgets and PUT /api/v1/budgets/<id> body. */
export interface BudgetInput {
  name: string;
  scope: { field: string; value: string } | null;
  period: BudgetPeriod;
  amount_usd: number;
  thresholds_pct: number[];
  timezone: string;
  forecast_alert: boolean;
}

export interface Budget extends BudgetInput {
  id: string;
  created_at: string;
  period_start: string;
  period_end: string;
  spend_usd: number;
  share_pct: number;
  projected_usd: number;
  projected_low_usd: number;
  projected_high_usd: number;
  projection_history_days: number;
  /** Local date (YYYY-MM-DD) the spend reaches the amount, or null. */
  exceeds_on: string | null;
}

export interface Alert {
  id: string;
  kind: string;
  fired_at: string;
  budget_id?: string;
  budget_name?: string;
  threshold_pct?: number;
  period?: string;
  period_start?: string;
  period_end?: string;
  spend_usd?: number;
  amount_usd?: number;
  projected_usd?: number;
  exceeds_on?: string | null;
}

export interface Webhook {
  id: string;
  url: string;
  description: string;
  signed: boolean;
  created_at: string;
  delivery?: { delivered: number; pending: number; failures: number; last_error: string | null; next_attempt: string | null };
}
