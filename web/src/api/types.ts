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
