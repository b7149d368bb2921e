import { describe, expect, it } from 'vitest';
import type { QueryResult } from '../../../api/types';
import { lightPalette } from '../../../lib/palette';
import { abForestModel, forestRows } from './abForest';
import { abPeriod, dimensionValues, pickAbPair } from './abCandidates';
import { costQualityModel, frontierPoints } from './costQuality';
import { decisionHeatmapModel, initialWeights, rankModels } from './decision';
import { headToHeadBars, headToHeadModel } from './headToHead';
import { findMetric, formatValue, modelColors, scoreNames } from './metrics';
import { radarModel } from './radar';
import { rangeBounds } from './range';
import { sampleAb, sampleComparison } from './sampleComparison.test-data';

const DAY = 86_400_000;

describe('radar', () => {
  it('draws one polygon per model and leaves missing values out, never at 0', () => {
    const model = radarModel(sampleComparison(), lightPalette);
    if (model.kind !== 'ready') throw new Error(model.reason);
    const series = model.option.series as { data: { name: string; value: (number | string)[] }[] }[];
    expect(series[0]!.data.map((d) => d.name)).toEqual(['alpha', 'beta', 'gamma']);
    expect(series[0]!.data[2]!.value).toEqual([1, '-', 1, '-', 1]);
    expect(model.points).toBe(13);
  });

  it('explains when there is nothing to draw', () => {
    const comparison = sampleComparison();
    comparison.radar.series = comparison.radar.series.map((s) => ({ ...s, values: s.values.map(() => null) }));
    expect(radarModel(comparison, lightPalette)).toMatchObject({ kind: 'empty' });
  });
});

describe('cost vs quality', () => {
  it('joins the frontier from the cheapest model up', () => {
    const comparison = sampleComparison();
    comparison.cost_quality.points.push({ model: 'delta', cost_per_1k_usd: 0.005, quality: 0.6, ci95: null, n: 9, pareto: false });
    expect(frontierPoints(comparison)).toEqual([
      [0.002093023255813953, 0.7],
      [0.009782608695652174, 0.95],
    ]);
    const model = costQualityModel(comparison, lightPalette);
    if (model.kind !== 'ready') throw new Error(model.reason);
    expect(model.points).toBe(3);
    expect((model.option.xAxis as { type: string }).type).toBe('value'); // 0.002…0.0098: within a decade
  });

  it('says why without scores', () => {
    const comparison = sampleComparison();
    comparison.cost_quality.points = [];
    comparison.quality = null;
    expect(costQualityModel(comparison, lightPalette)).toMatchObject({ kind: 'empty', reason: /No quality scores/ });
  });
});

describe('head to head', () => {
  it('marks the best model in the metric’s direction and keeps gaps', () => {
    const comparison = sampleComparison();
    const cost = headToHeadBars(comparison, findMetric('cost')!);
    expect(cost.map((b) => b.best)).toEqual([false, false, true]);
    const quality = headToHeadBars(comparison, findMetric('quality')!);
    expect(quality.map((b) => [b.value, b.best])).toEqual([
      [0.7, false],
      [0.95, true],
      [null, false],
    ]);
    expect(quality[0]!.interval).toEqual([0.4515862, 0.9484138]);
    const ttft = headToHeadModel(comparison, findMetric('ttft')!, lightPalette);
    if (ttft.kind !== 'ready') throw new Error(ttft.reason);
    expect(ttft.points).toBe(2);
    const bars = (ttft.option.series as { data: { value: number | string }[] }[])[0]!.data;
    expect(bars[2]!.value).toBe('-');
  });
});

describe('decision matrix', () => {
  it('ranks exactly as the server does for the same weights', () => {
    const comparison = sampleComparison();
    const weights = initialWeights(comparison);
    expect(weights).toEqual({ cost: 40, quality: 40, latency: 20, ttft: 0, error_rate: 0 });
    const ranked = rankModels(comparison, weights);
    expect(ranked.map((r) => r.model)).toEqual(comparison.decision.rows.map((r) => r.model));
    ranked.forEach((row, idx) => {
      expect(row.score).toBeCloseTo(comparison.decision.rows[idx]!.score, 9);
      expect(row.coverage).toBeCloseTo(comparison.decision.rows[idx]!.coverage, 9);
    });
  });

  it('re-ranks as a weight moves, and a missing value counts as the worst', () => {
    const ranked = rankModels(sampleComparison(), { cost: 0, quality: 100, latency: 0, ttft: 0, error_rate: 0 });
    expect(ranked.map((r) => [r.model, r.score])).toEqual([
      ['beta', 1],
      ['alpha', 0],
      ['gamma', 0],
    ]);
    expect(ranked[2]!.coverage).toBe(0);
  });

  it('draws the weighted metrics and the score, or says that every weight is 0', () => {
    const comparison = sampleComparison();
    const model = decisionHeatmapModel(comparison, initialWeights(comparison), lightPalette);
    if (model.kind !== 'ready') throw new Error(model.reason);
    expect((model.option.xAxis as { data: string[] }).data).toEqual(['Cost / 1K', 'Quality', 'Latency', 'Score']);
    expect(model.points).toBe(11); // 3 models × 4 columns, gamma has no quality
    expect(decisionHeatmapModel(comparison, { cost: 0 }, lightPalette)).toMatchObject({ kind: 'empty', reason: 'Every weight is 0.' });
  });
});

describe('A/B candidates', () => {
  const t0 = Date.UTC(2026, 0, 1);
  const result: QueryResult = {
    columns: ['t', 'prompt_version', 'count'],
    rows: [
      [t0, 'v2', 100],
      [t0 + DAY, 'v2', 40],
      [t0 + DAY, 'v3', 60],
      [t0 + 2 * DAY, 'v3', 50],
      [t0 + 2 * DAY, 'v4', 50],
      [t0 + 3 * DAY, 'v3', 55],
      [t0 + 3 * DAY, 'v4', 45],
      [t0 + 3 * DAY, null, 7],
    ],
  };

  it('picks the pair that ran side by side the longest, the older one as A', () => {
    expect(pickAbPair(result, 'prompt_version')).toEqual({ a: 'v3', b: 'v4', from: t0 + 2 * DAY, to: t0 + 4 * DAY, days: 2 });
    expect(dimensionValues(result, 'prompt_version')).toEqual(['v3', 'v2', 'v4']);
  });

  it('finds no pair when no two values share a day', () => {
    expect(pickAbPair({ ...result, rows: [[t0, 'v2', 1], [t0 + DAY, 'v3', 1]] }, 'prompt_version')).toBeNull();
  });

  it('narrows the range to the days both ran, only where that is narrower', () => {
    const pair = pickAbPair(result, 'prompt_version');
    expect(abPeriod(pair, t0, t0 + 4 * DAY)).toEqual({ from: t0 + 2 * DAY, to: null });
    expect(abPeriod(pair, t0 + 3 * DAY, t0 + 10 * DAY)).toEqual({ from: null, to: t0 + 4 * DAY });
    expect(abPeriod(null, t0, t0 + DAY)).toEqual({ from: null, to: null });
  });

  it('turns presets and custom ranges into bounds', () => {
    expect(rangeBounds({ kind: 'preset', preset: '7d' }, 10 * DAY)).toEqual([3 * DAY, 10 * DAY]);
    expect(rangeBounds({ kind: 'preset', preset: '24h' }, 10 * DAY)).toEqual([9 * DAY, 10 * DAY]);
    expect(rangeBounds({ kind: 'custom', from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z' }, 0)).toEqual([t0, t0 + DAY]);
  });
});

describe('A/B intervals', () => {
  it('reads means in % of A and rates in percentage points, coloured by direction and significance', () => {
    const rows = forestRows(sampleAb());
    expect(rows.map((r) => [r.label, r.unit, r.tone])).toEqual([
      ['cost per call', '%', 'good'],
      ['output tokens', '%', 'neutral'],
      ['error rate', 'pp', 'neutral'],
    ]);
    expect(rows[0]!.change).toBeCloseTo(-30.434782608695654, 9);
    expect(rows[2]!.lo).toBeCloseTo(-69.9358157417598, 9);
    const model = abForestModel(sampleAb(), lightPalette);
    if (model.kind !== 'ready') throw new Error(model.reason);
    expect(model.points).toBe(3);
  });

  it('marks a significantly worse metric red', () => {
    const ab = sampleAb();
    ab.metrics[0]!.rel_diff = 0.3;
    ab.metrics[0]!.rel_ci95 = [0.2, 0.4];
    expect(forestRows(ab)[0]!.tone).toBe('bad');
  });
});

describe('metrics', () => {
  it('formats each unit', () => {
    expect(formatValue('usd', 0.0020930)).toBe('$0.00209');
    expect(formatValue('ms', 250)).toBe('250 ms');
    expect(formatValue('ratio', 0.25)).toBe('25.0%');
    expect(formatValue('ratio', 0.0123)).toBe('1.23%');
    expect(formatValue('tokens_per_s', 84.26)).toBe('84.3 tok/s');
    expect(formatValue('score', 0.7)).toBe('0.700');
    expect(formatValue('usd', null)).toBe('—');
  });

  it('lists score names and gives each model a stable colour', () => {
    const comparison = sampleComparison();
    expect(scoreNames(comparison)).toEqual(['quality']);
    expect([...modelColors(comparison, ['#1', '#2']).values()]).toEqual(['#1', '#2', '#1']);
  });
});

describe('A/B request', () => {
  it('narrows from and to independently to the days both sides ran', async () => {
    const { abParams } = await import('../hooks/useAbTest');
    const { DEFAULT_FILTERS } = await import('../../filters/lib/filters');
    const t0 = Date.UTC(2026, 0, 5);
    const open = abParams(DEFAULT_FILTERS, { dimension: 'prompt_version', a: 'v3', b: 'v4', from: t0, to: null });
    expect(open.get('from')).toBe('2026-01-05T00:00:00.000Z');
    expect(open.get('to')).toBe('now');
    expect([open.get('dimension'), open.get('a'), open.get('b')]).toEqual(['prompt_version', 'v3', 'v4']);
    const whole = abParams(DEFAULT_FILTERS, { dimension: 'model', a: 'x', b: 'y', from: null, to: null });
    expect(whole.get('from')).toBe('now-30d');
  });
});
