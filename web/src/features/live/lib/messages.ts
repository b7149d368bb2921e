// The live protocol's messages (WebSocket /api/analytics/live, docs/api.md "Live"): what the
// client sends for a page's filters, and the server's messages parsed into typed values.
import { apiTimeRange, DIMENSIONS, type Filters } from '../../filters/lib/filters';

/** The overview's card values for one period (null: no data). */
export interface LiveFigures {
  events: number;
  experiments: number;
  runs: number;
  active_users: number;
  cost_usd: number | null;
  avg_latency_ms: number | null;
  success_rate: number | null;
  tokens: number;
}

/** The same figures for the current bucket of the overview's trend. */
export interface LiveBucket extends LiveFigures {
  t: number;
  bucket_ms: number;
}

/** One event as the live stream sends it (ts in RFC 3339; absent fields left out). */
export interface LiveEvent {
  id?: string;
  ts: string;
  experiment?: string;
  run_id?: string;
  session_id?: string;
  trace_id?: string;
  user?: string;
  team?: string;
  provider?: string;
  model?: string;
  operation: string;
  status: 'ok' | 'error';
  error_type?: string;
  http_status?: number;
  input_tokens?: number;
  output_tokens?: number;
  cost_usd?: number;
  latency_ms?: number;
  ttft_ms?: number;
  tags?: Record<string, string>;
}

export interface LiveReportMessage {
  type: 'snapshot' | 'update';
  at: number;
  lag_ms?: number;
  totals: LiveFigures;
  bucket: LiveBucket;
  events: LiveEvent[];
}

export interface LiveErrorMessage {
  type: 'error';
  field: string;
  reason: string;
}

export type LiveMessage = LiveReportMessage | LiveErrorMessage;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A server message, or null for anything this client does not understand (ignored). */
export function parseLiveMessage(text: string): LiveMessage | null {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isObject(json)) return null;
  if (json.type === 'error') {
    return { type: 'error', field: String(json.field ?? ''), reason: String(json.reason ?? '') };
  }
  if (json.type !== 'snapshot' && json.type !== 'update') return null;
  if (!isObject(json.totals) || !isObject(json.bucket) || !Array.isArray(json.events)) return null;
  return json as unknown as LiveReportMessage;
}

/** The subscribe message for a page's filters: the dashboards' parameters, as docs/api.md lists them. */
export function subscribeMessage(filters: Filters, events: number): string {
  const body: Record<string, unknown> = { ...apiTimeRange(filters.range) };
  for (const dim of DIMENSIONS) if (filters.dims[dim].length > 0) body[dim] = filters.dims[dim];
  if (filters.tags.length > 0) body.tags = Object.fromEntries(filters.tags.map((tag) => [tag.key, tag.value]));
  return JSON.stringify({ type: 'subscribe', filters: body, events });
}

/** ws(s)://<this host>/api/analytics/live */
export function liveUrl(location: { protocol: string; host: string }): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/analytics/live`;
}
