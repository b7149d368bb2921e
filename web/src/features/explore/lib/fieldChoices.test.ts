import { describe, expect, it } from 'vitest';
import { fieldChoices, fieldsFor } from './fieldChoices';

const fields = {
  fields: [
    { name: 'ts', kind: 'time', dimension: false, measure: true },
    { name: 'model', kind: 'string', dimension: true, measure: false },
    { name: 'latency_ms', kind: 'number', dimension: false, measure: true },
  ],
  tag_keys: ['env'],
  score_names: ['helpfulness'],
  demo: false,
};

describe('fieldChoices', () => {
  it('offers dimensions with tag keys and measures with scores, never ts', () => {
    expect(fieldChoices(fields)).toEqual({ dimensions: ['model', 'tags.env'], measures: ['latency_ms', 'scores.helpfulness'] });
  });

  it('gives each aggregate the fields it takes', () => {
    const choices = fieldChoices(fields);
    expect(fieldsFor('count', choices)).toEqual(['']);
    expect(fieldsFor('p95', choices)).toEqual(['latency_ms', 'scores.helpfulness']);
    expect(fieldsFor('uniq', choices)).toEqual(['model', 'tags.env']);
    expect(fieldsFor('rate', choices)).toEqual(['error', 'cache_hit', 'streaming']);
  });
});
