// The events explorer's pure logic: the search body from the page's state, the columns of a row,
// and the fields of the detail drawer. No React, no fetching: unit-tested beside this file.
import type { EventSearch, StoredEvent } from '../../../api/types';
import { formatDuration, formatInteger, formatUsd } from '../../../lib/format';
import { apiTimeRange, queryFilters, type Filters } from '../../filters/lib/filters';

export type SortBy = 'ts' | 'cost' | 'latency';
export type SortDir = 'asc' | 'desc';
export interface EventSort {
  by: SortBy;
  dir: SortDir;
}
export const DEFAULT_SORT: EventSort = { by: 'ts', dir: 'desc' };
export const PAGE_SIZE = 100;
export const SORT_LABELS: Record<SortBy, string> = { ts: 'Time', cost: 'Cost', latency: 'Latency' };

/** The body of POST /api/v1/events/search for one page. */
export function searchBody(filters: Filters, q: string, sort: EventSort, cursor: string | null): EventSearch {
  const body: EventSearch = { ...apiTimeRange(filters.range), filters: queryFilters(filters), sort, limit: PAGE_SIZE, cursor };
  const text = q.trim();
  if (text !== '') body.q = text;
  return body;
}

/** Reads the page's own URL parameters (`q`, `sort` as "cost:desc"); bad values fall back. */
export function parseExplorerParams(search: string): { q: string; sort: EventSort } {
  const params = new URLSearchParams(search);
  const [by, dir] = (params.get('sort') ?? '').split(':');
  const sort: EventSort =
    (by === 'ts' || by === 'cost' || by === 'latency') && (dir === 'asc' || dir === 'desc') ? { by, dir } : DEFAULT_SORT;
  return { q: params.get('q') ?? '', sort };
}

/** The query string with the page's own parameters set (defaults left out); others kept. */
export function withExplorerParams(search: string, q: string, sort: EventSort): string {
  const params = new URLSearchParams(search);
  params.delete('q');
  params.delete('sort');
  if (q.trim() !== '') params.set('q', q.trim());
  if (sort.by !== DEFAULT_SORT.by || sort.dir !== DEFAULT_SORT.dir) params.set('sort', `${sort.by}:${sort.dir}`);
  return params.toString();
}

/** Clicking a sortable header: the same column flips direction, another starts descending. */
export function nextSort(current: EventSort, by: SortBy): EventSort {
  if (current.by === by) return { by, dir: current.dir === 'desc' ? 'asc' : 'desc' };
  return { by, dir: 'desc' };
}

/** "Jan 5, 10:00:00.123" in the viewer's time zone. */
export function formatEventTime(ts: number): string {
  const date = new Date(ts);
  const day = date.toLocaleDateString('en-US', { month: 'short', day: 'numeric' });
  const time = date.toLocaleTimeString('en-GB', { hour12: false });
  return `${day}, ${time}.${String(date.getMilliseconds()).padStart(3, '0')}`;
}

/** What a row of the table shows: the model, or the operation for calls without one. */
export function eventTitle(event: StoredEvent): string {
  if (event.model) return event.model;
  if (event.endpoint) return `${event.operation} · ${event.endpoint}`;
  return event.operation;
}

export function totalTokens(event: StoredEvent): number | null {
  if (event.input_tokens === undefined && event.output_tokens === undefined) return null;
  return (event.input_tokens ?? 0) + (event.output_tokens ?? 0);
}

/** A stable React key for a row: events need not have an id, so page index and position. */
export function rowKey(event: StoredEvent, index: number): string {
  return event.id ?? `${event.ts}-${index}`;
}

export interface DetailField {
  label: string;
  value: string;
  /** Set for trace_id / session_id: the in-app page of that trace or session. */
  href?: string;
}

const PLAIN_FIELDS: [keyof StoredEvent, string][] = [
  ['id', 'Id'], ['experiment', 'Experiment'], ['run_id', 'Run'], ['user', 'User'], ['team', 'Team'],
  ['provider', 'Provider'], ['model', 'Model'], ['operation', 'Operation'], ['endpoint', 'Endpoint'],
  ['status', 'Status'], ['error_type', 'Error type'], ['http_status', 'HTTP status'],
  ['prompt_name', 'Prompt'], ['prompt_version', 'Prompt version'], ['input_hash', 'Input hash'],
];
const TOKEN_FIELDS: [keyof StoredEvent, string][] = [
  ['input_tokens', 'Input tokens'], ['output_tokens', 'Output tokens'], ['cached_input_tokens', 'Cached input tokens'],
  ['cache_write_tokens', 'Cache write tokens'], ['reasoning_tokens', 'Reasoning tokens'],
];

/** Every field the event carries, in reading order, formatted; absent fields are left out. */
export function detailFields(event: StoredEvent): DetailField[] {
  const out: DetailField[] = [{ label: 'Time', value: `${event.time} (${event.ts})` }];
  if (event.trace_id) out.push({ label: 'Trace', value: event.trace_id, href: `/traces/${encodeURIComponent(event.trace_id)}` });
  if (event.session_id) out.push({ label: 'Session', value: event.session_id, href: `/sessions/${encodeURIComponent(event.session_id)}` });
  for (const [key, label] of PLAIN_FIELDS) {
    const value = event[key];
    if (value !== undefined && value !== null && value !== '') out.push({ label, value: String(value) });
  }
  for (const [key, label] of TOKEN_FIELDS) {
    const value = event[key];
    if (typeof value === 'number') out.push({ label, value: formatInteger(value) });
  }
  out.push({ label: 'Cost', value: event.cost_usd === undefined ? 'unpriced' : formatUsd(event.cost_usd) });
  if (event.latency_ms !== undefined) out.push({ label: 'Latency', value: formatDuration(event.latency_ms) });
  if (event.ttft_ms !== undefined) out.push({ label: 'Time to first token', value: formatDuration(event.ttft_ms) });
  if (event.cache_hit !== undefined) out.push({ label: 'Cache hit', value: event.cache_hit ? 'yes' : 'no' });
  if (event.streaming !== undefined) out.push({ label: 'Streaming', value: event.streaming ? 'yes' : 'no' });
  return out;
}
