// What the report builder offers to pick, from GET /api/v1/fields: group-by dimensions (string
// fields and tag keys) and the fields each aggregate takes (measures and scores; dimensions for
// uniq; the booleans for rate).
import type { Fields } from '../../../api/types';

export const AGGREGATE_CHOICES = ['count', 'sum', 'avg', 'min', 'max', 'p50', 'p90', 'p95', 'p99', 'uniq', 'rate'] as const;
export type AggregateChoice = (typeof AGGREGATE_CHOICES)[number];

export interface FieldChoices {
  dimensions: string[];
  measures: string[];
}

/** Measures and dimensions the store knows; a small built-in list until the fields arrive. */
export function fieldChoices(fields: Fields | undefined): FieldChoices {
  if (!fields) return { dimensions: ['model', 'provider', 'experiment', 'team', 'user'], measures: ['cost_usd', 'latency_ms'] };
  const dimensions = fields.fields.filter((f) => f.dimension && f.name !== 'ts').map((f) => f.name);
  const measures = fields.fields.filter((f) => f.measure && f.name !== 'ts').map((f) => f.name);
  return {
    dimensions: [...dimensions, ...fields.tag_keys.map((key) => `tags.${key}`)],
    measures: [...measures, ...fields.score_names.map((name) => `scores.${name}`)],
  };
}

/** The fields `aggregate` can take ('' alone for count). */
export function fieldsFor(aggregate: AggregateChoice, choices: FieldChoices): string[] {
  if (aggregate === 'count') return [''];
  if (aggregate === 'uniq') return choices.dimensions;
  if (aggregate === 'rate') return ['error', 'cache_hit', 'streaming'];
  return choices.measures;
}
