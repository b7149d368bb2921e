// Types of the server's JSON, generated from its OpenAPI document (src/server/openapi.json, served
// at /api/v1/openapi.json) by openapi-typescript into schema.gen.ts on every build (`npm run
// api-types`), never kept in step by hand. The names below are what the app imports. Every number
// the server may leave out or null is typed `| null` in the document, so the UI must decide what
// to show.
import type { components } from './schema.gen';

type Schemas = components['schemas'];

/** A card value with the same figure over the previous period of equal length. */
export type CardFigure = Schemas['CardFigure'];
export type CostCard = Schemas['CostCard'];
export type LatencyCard = Schemas['LatencyCard'];
export type SuccessCard = Schemas['SuccessCard'];
export type TokensCard = Schemas['TokensCard'];
export type OverviewCards = Schemas['OverviewCards'];
export type OverviewRange = Schemas['OverviewRange'];
/** `cost_usd` null: no events in the bucket (a gap, never a zero). */
export type CostTrendPoint = Schemas['CostTrendPoint'];
/** "(other)": every model beyond the server's top list; "(none)": events without a model. */
export type ModelUsage = Schemas['ModelUsage'];
/** `hi` null on the last, open bin (everything from `lo` up). */
export type HistogramBin = Schemas['HistogramBin'];
export type LatencySummary = Schemas['LatencySummary'];
/** null (all three) for a bucket without events: a gap. Such buckets may also be absent. */
export type StatusPoint = Schemas['StatusPoint'];
/** GET /api/analytics/overview */
export type Overview = Schemas['Overview'];
/** GET /api/health */
export type Health = Schemas['Health'];
export type FieldInfo = Schemas['FieldInfo'];
/** GET /api/v1/fields */
export type Fields = Schemas['Fields'];
export type QueryFilter = Schemas['QueryFilter'];
export type FilterOp = QueryFilter['op'];
export type OrderBy = NonNullable<QuerySpec['order_by']>[number];
/** POST /api/v1/query body (docs/query.md). */
export type QuerySpec = Schemas['QuerySpec'];
export type Cell = Schemas['Cell'];
export type QueryResult = Schemas['QueryResult'];
/** The one error shape of every 4xx/5xx. */
export type ApiErrorBody = Schemas['Error'];

// ---- Cost analysis, budgets, alerts, webhooks (docs/api.md) -------------------------------------

export type CostTotals = Schemas['CostTotals'];
/** `key` "(none)": events without the dimension; "(other)": the rows beyond the top N. `cost_usd`
 * null: every call of the row is unpriced (never shown as free). */
export type BreakdownRow = Schemas['BreakdownRow'];
export type Breakdown = Schemas['Breakdown'];
/** Per series, one value per `t`; null = a bucket without any event (a gap). */
export type CostOverTime = Schemas['CostOverTime'];
/** `weekday` 0 = Monday. */
export type HeatCell = Schemas['HeatCell'];
export type FlowGraph = Schemas['FlowGraph'];
export type ModelEfficiency = Schemas['ModelEfficiency'];
export type UnpricedUsage = Schemas['UnpricedUsage'];
/** GET /api/analytics/cost */
export type CostReport = Schemas['CostReport'];

export type BudgetPeriod = Schemas['BudgetPeriod'];
/** POST /api/v1/budgets and PUT /api/v1/budgets/<id> body. */
export type BudgetInput = Schemas['BudgetInput'];
/** `exceeds_on`: the local date (YYYY-MM-DD) the spend reaches the amount, or null. */
export type Budget = Schemas['Budget'];
export type Alert = Schemas['Alert'];
export type Webhook = Schemas['Webhook'];

// ---- Performance Monitoring dashboard and annotations (docs/api.md) ---------------------------

export type AnnotationKind = Schemas['AnnotationKind'];
/** A mark on the time axis; `end` is null for a moment. Times in epoch ms. */
export type Annotation = Schemas['Annotation'];
/** POST /api/v1/annotations body. */
export type AnnotationInput = Schemas['AnnotationInput'];
export type Percentiles = Schemas['Percentiles'];
/** A bucket without values has null percentiles (a gap). */
export type PercentilePoint = Schemas['PercentilePoint'];
export type ModelPercentiles = Schemas['ModelPercentiles'];
export type PercentileSection = Schemas['PercentileSection'];
/** `share`: of the model's calls in [lo, hi). */
export type DensityBar = Schemas['DensityBar'];
export type ModelDistribution = Schemas['ModelDistribution'];
export type ErrorPoint = Schemas['ErrorPoint'];
/** Calls and errors of one value of a dimension; `rate` = errors / calls. "(other)" folds the rest. */
export type ErrorCounts = Omit<Schemas['ModelErrors'], 'model'>;
export type ErrorTypeFigure = Schemas['ErrorTypeFigure'];
export type PerformanceErrors = Schemas['PerformanceErrors'];
export type PerformanceCache = Schemas['PerformanceCache'];
export type MatrixColumn = Schemas['MatrixColumn'];
export type MatrixRow = Schemas['MatrixRow'];
export type PerformanceSlo = Schemas['PerformanceSlo'];
/** Lower bounds of the cell; it spans one width on each axis. */
export type ScatterCell = Schemas['ScatterCell'];
/** GET /api/analytics/performance */
export type Performance = Schemas['Performance'];

// ---- User Activity (GET /api/analytics/users; docs/api.md) ----------------------------------

/** Calls, tokens, cost and errors of a user, team or experiment; cost null when none was priced. */
export type UsageFigures = Schemas['UsageFigures'];
/** `t`: local midnight, epoch ms; `stickiness` = dau / mau, null without any user in the 30 days. */
export type ActiveUsersDay = Schemas['ActiveUsersDay'];
export type Spread = Schemas['Spread'];
export type UserLeaderRow = Schemas['UserLeaderRow'];
/** A row's figures, the previous period's and `change_pct` per figure (null when previous is 0 or null). */
export type UsageWithPrevious = Omit<UserLeaderRow, 'user' | 'team'>;
export type TeamLeaderRow = Schemas['TeamLeaderRow'];
export type ExperimentBubble = Schemas['ExperimentBubble'];
/** `conversion`: share of the previous step's users (1 for the first step); null when it had none. */
export type FunnelStepResult = Schemas['FunnelStepResult'];
/** `week`: Monday (local midnight) of the cohort's first week, epoch ms. */
export type Cohort = Schemas['Cohort'];
export type NetworkNode = Schemas['NetworkNode'];
export type NetworkLink = Schemas['NetworkLink'];
export type LeaderboardSort = Schemas['LeaderboardSort'];
/** GET /api/analytics/users; `range.tz`: the zone whose days and weeks the figures use. */
export type UserActivity = Schemas['UserActivity'];

// ---- Model Comparison (GET /api/analytics/models/compare, GET /api/analytics/ab; docs/api.md) ----

/** A 95 % interval [lo, hi]. */
export type Interval = Schemas['Interval'];
export type ModelScore = Schemas['ModelScore'];
/** "yes" only where the price catalogue states it; the catalogue never says "no". */
export type FeatureSupport = Schemas['ModelFeatures']['vision'];
export type ModelFeatures = Schemas['ModelFeatures'];
export type ComparedModel = Schemas['ComparedModel'];
export type RadarAxis = Schemas['RadarAxis'];
export type DecisionTerm = Schemas['DecisionTerm'];
export type DecisionRow = Schemas['DecisionRow'];
export type CostQualityPoint = Schemas['CostQualityPoint'];
export type ModelComparison = Schemas['ModelComparison'];
export type AbMeanSide = Schemas['AbMeanSide'];
export type AbRateSide = Schemas['AbRateSide'];
export type AbMetric = Schemas['AbMetric'];
export type AbSide = Schemas['AbSide'];
export type AbComparison = Schemas['AbComparison'];

// ---- GET /api/analytics/anomalies (docs/analytics/anomalies.md) --------------------------------

export type AnomalySeverity = Schemas['AnomalySeverity'];
/** The first bucket of an anomaly episode; `key` is {} for the total, else {"<group_by>": value}. */
export type Anomaly = Schemas['Anomaly'];
/** One value per `t` of the report; null in gaps and before the series has enough history. */
export type AnomalySeries = Schemas['AnomalySeries'];
/** GET /api/analytics/anomalies; `anomalies` newest first, one per episode. */
export type AnomalyReport = Schemas['AnomalyReport'];

// ---- Saved reports of the report builder (/api/v1/reports; docs/api.md) -----------------------

export type ReportChart = Schemas['ReportChart'];
/** A saved report: its QuerySpec is its definition (run it with POST /api/v1/query). */
export type Report = Schemas['Report'];
export type ReportInput = Schemas['ReportInput'];
export type ReportUpdate = Schemas['ReportUpdate'];

// ---- Events explorer, traces and sessions (docs/events_search.md) ------------------------------
/** An event as stored: absent fields left out, `ts` epoch ms with `time` (RFC 3339) beside it. */
export type StoredEvent = Schemas['StoredEvent'];
/** POST /api/v1/events/search body. */
export type EventSearch = Schemas['EventSearch'];
/** One page of events and the cursor of the next (null on the last). */
export type EventPage = Schemas['EventPage'];
/** GET /api/v1/traces/{trace_id}, /api/v1/sessions/{session_id}. */
export type CallTimeline = Schemas['CallTimeline'];

// ---- GET /api/analytics/insights (docs/analytics/insights.md) ----------------------------------

export type InsightFigure = Schemas['InsightFigure'];
/** One recommendation; `monthly_saving_usd` null when it saves no money directly. */
export type Insight = Schemas['Insight'];
/** Ranked by saving (largest first, none last), then severity. */
export type InsightsReport = Schemas['InsightsReport'];

/** GET /api/v1/session: whether API keys are needed and whether this browser is signed in. */
export interface SessionState {
  auth_required: boolean;
  signed_in: boolean;
  key_id: string | null;
  expires: string | null;
}
