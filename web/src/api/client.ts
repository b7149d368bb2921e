// The only place that talks HTTP to the server. Components go through hooks that call these.
import type {
  AbComparison,
  Alert,
  Annotation,
  AnomalyReport,
  AnnotationInput,
  ApiErrorBody,
  Budget,
  BudgetInput,
  CallTimeline,
  CostReport,
  EventPage,
  EventSearch,
  Fields,
  InsightsReport,
  Health,
  ModelComparison,
  Overview,
  Performance,
  QueryResult,
  QuerySpec,
  Report,
  ReportInput,
  ReportUpdate,
  UserActivity,
  SessionState,
} from './types';

/** A failed call: the server's error code and message when it sent one, else the HTTP status. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  /** The server's error details: which field was wrong and why. */
  readonly details: { field: string; reason: string }[];

  constructor(status: number, code: string, message: string, details: { field: string; reason: string }[] = []) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

function isErrorBody(body: unknown): body is ApiErrorBody {
  if (typeof body !== 'object' || body === null || !('error' in body)) return false;
  const err = (body as { error: unknown }).error;
  return typeof err === 'object' && err !== null && 'message' in err;
}

async function request<T>(path: string, init?: RequestInit): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, { ...init, headers: { Accept: 'application/json', ...init?.headers } });
  } catch (cause) {
    throw new ApiError(0, 'network', `Cannot reach the MLtrack server (${String(cause)}).`);
  }
  const text = await response.text();
  let body: unknown = undefined;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      if (response.ok) throw new ApiError(response.status, 'invalid_json', `${path} did not return JSON.`);
    }
  }
  if (!response.ok) {
    if (isErrorBody(body)) {
      const details = (body.error.details ?? []) as { field: string; reason: string }[];
      throw new ApiError(response.status, body.error.code, body.error.message, details);
    }
    throw new ApiError(response.status, 'http', `${path} failed with HTTP ${response.status}.`);
  }
  return body as T;
}

export function getOverview(params: URLSearchParams, signal?: AbortSignal): Promise<Overview> {
  return request<Overview>(`/api/analytics/overview?${params.toString()}`, { signal });
}

export function getHealth(signal?: AbortSignal): Promise<Health> {
  return request<Health>('/api/health', { signal });
}

/** Browser sign-in (docs/security.md): whether keys are needed and whether this browser is signed in. */
export function getSignInState(signal?: AbortSignal): Promise<SessionState> {
  return request<SessionState>('/api/v1/session', { signal });
}

/** Trades an API key for an HttpOnly session cookie. */
export function postSignIn(key: string): Promise<{ key_id: string }> {
  return request<{ key_id: string }>('/api/v1/session', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ key }),
  });
}

export async function deleteSignIn(): Promise<void> {
  await request<unknown>('/api/v1/session', { method: 'DELETE' });
}

export function getFields(signal?: AbortSignal): Promise<Fields> {
  return request<Fields>('/api/v1/fields', { signal });
}

export function postQuery(spec: QuerySpec, signal?: AbortSignal): Promise<QueryResult> {
  return request<QueryResult>('/api/v1/query', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(spec),
    signal,
  });
}

// ---- Cost analysis, budgets, alerts -------------------------------------------------------------

export function getCost(params: URLSearchParams, signal?: AbortSignal): Promise<CostReport> {
  return request<CostReport>(`/api/analytics/cost?${params.toString()}`, { signal });
}

export function getBudgets(signal?: AbortSignal): Promise<{ budgets: Budget[] }> {
  return request<{ budgets: Budget[] }>('/api/v1/budgets', { signal });
}

export function saveBudget(input: BudgetInput, id?: string): Promise<Budget> {
  return request<Budget>(id ? `/api/v1/budgets/${encodeURIComponent(id)}` : '/api/v1/budgets', {
    method: id ? 'PUT' : 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(input),
  });
}

export function deleteBudget(id: string): Promise<{ deleted: boolean }> {
  return request<{ deleted: boolean }>(`/api/v1/budgets/${encodeURIComponent(id)}`, { method: 'DELETE' });
}

export function getAlerts(signal?: AbortSignal): Promise<{ alerts: Alert[]; total: number }> {
  return request<{ alerts: Alert[]; total: number }>('/api/v1/alerts?limit=200', { signal });
}

// ---- Performance Monitoring dashboard and annotations ------------------------------------------

export function getPerformance(params: URLSearchParams, signal?: AbortSignal): Promise<Performance> {
  return request<Performance>(`/api/analytics/performance?${params.toString()}`, { signal });
}

export function createAnnotation(input: AnnotationInput): Promise<Annotation> {
  return request<Annotation>('/api/v1/annotations', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(input),
  });
}

export function deleteAnnotation(id: number): Promise<void> {
  return request<void>(`/api/v1/annotations/${id}`, { method: 'DELETE' });
}

// ---- User Activity ---------------------------------------------------------------------------
export function getUserActivity(params: URLSearchParams, signal?: AbortSignal): Promise<UserActivity> {
  return request<UserActivity>(`/api/analytics/users?${params.toString()}`, { signal });
}

// ---- Model Comparison ----

export function getModelComparison(params: URLSearchParams, signal?: AbortSignal): Promise<ModelComparison> {
  return request<ModelComparison>(`/api/analytics/models/compare?${params.toString()}`, { signal });
}

export function getAbComparison(params: URLSearchParams, signal?: AbortSignal): Promise<AbComparison> {
  return request<AbComparison>(`/api/analytics/ab?${params.toString()}`, { signal });
}

export function getAnomalies(params: URLSearchParams, signal?: AbortSignal): Promise<AnomalyReport> {
  return request<AnomalyReport>(`/api/analytics/anomalies?${params.toString()}`, { signal });
}

// ---- Saved reports (the report builder) ---------------------------------------------------------

export function getReports(signal?: AbortSignal): Promise<{ reports: Report[] }> {
  return request<{ reports: Report[] }>('/api/v1/reports', { signal });
}

export function getReport(id: number, signal?: AbortSignal): Promise<Report> {
  return request<Report>(`/api/v1/reports/${id}`, { signal });
}

export function createReport(input: ReportInput): Promise<Report> {
  return request<Report>('/api/v1/reports', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(input),
  });
}

export function updateReport(id: number, update: ReportUpdate): Promise<Report> {
  return request<Report>(`/api/v1/reports/${id}`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(update),
  });
}

export function deleteReport(id: number): Promise<void> {
  return request<void>(`/api/v1/reports/${id}`, { method: 'DELETE' });
}

// ---- Events explorer, traces and sessions -------------------------------------------------------

export function searchEvents(body: EventSearch, signal?: AbortSignal): Promise<EventPage> {
  return request<EventPage>('/api/v1/events/search', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
    signal,
  });
}

export function getCallTimeline(kind: 'trace' | 'session', id: string, signal?: AbortSignal): Promise<CallTimeline> {
  return request<CallTimeline>(`/api/v1/${kind}s/${encodeURIComponent(id)}`, { signal });
}

// ---- Insights ----
export function getInsights(params: URLSearchParams, signal?: AbortSignal): Promise<InsightsReport> {
  return request<InsightsReport>(`/api/analytics/insights?${params.toString()}`, { signal });
}
