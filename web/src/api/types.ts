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
