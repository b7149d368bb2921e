import { describe, expect, it } from 'vitest';
import { lightPalette } from '../../../lib/palette';
import { activeUsersModel, newReturningModel, stickinessModel } from './activeUsers';
import { calendarModel, calendarRange } from './calendar';
import { cohortHeatmapModel } from './cohortHeatmap';
import { bubbleSizes, clickedExperiment, experimentBubblesModel, paddedBounds } from './experimentBubbles';
import { funnelModel, stepLabel } from './funnel';
import { networkModel, shortName, strongestLinks } from './network';
import { sampleActivity } from './sampleUsers.test-data';

type Series = { data: unknown[]; name?: string; links?: unknown[] };
const seriesOf = (model: ReturnType<typeof activeUsersModel>): Series[] =>
  model.kind === 'ready' ? (model.option.series as Series[]) : [];

describe('active users', () => {
  it('draws DAU, WAU and MAU per day', () => {
    const model = activeUsersModel(sampleActivity.active, lightPalette);
    expect(model.kind).toBe('ready');
    const series = seriesOf(model);
    expect(series.map((s) => s.name)).toEqual(['MAU (30 days)', 'WAU (7 days)', 'DAU']);
    expect(series[2]!.data[0]).toEqual([1766620800000, 2]);
    expect(series[0]!.data[6]).toEqual([1767139200000, 4]);
  });
  it('stacks new on returning users and plots stickiness', () => {
    const bars = seriesOf(newReturningModel(sampleActivity.active, lightPalette));
    expect(bars.map((s) => s.data[5])).toEqual([[1767052800000, 0], [1767052800000, 1]]);
    expect(seriesOf(stickinessModel(sampleActivity.active, lightPalette))[0]!.data[3]).toEqual([1766880000000, 0]);
  });
  it('says why when nobody was active', () => {
    const idle = sampleActivity.active.map((d) => ({ ...d, dau: 0, wau: 0, mau: 0, new: 0, returning: 0, stickiness: null }));
    expect(activeUsersModel(idle, lightPalette).kind).toBe('empty');
    expect(newReturningModel([], lightPalette).kind).toBe('empty');
  });
});

describe('experiments, cohorts, funnel', () => {
  it('sizes bubbles by cost, the smallest for unpriced', () => {
    expect(bubbleSizes([4, 1, null, 0])).toEqual([56, 33, 10, 10]);
    expect(paddedBounds([76, 84])).toEqual({ min: 70, max: 90, interval: 5 });
    expect(paddedBounds([12_000, 81_000])).toEqual({ min: 0, max: 100_000, interval: 20_000 });
    expect(paddedBounds([2, 2])).toEqual({ min: 1, max: 3, interval: 1 });
    expect(experimentBubblesModel(sampleActivity.experiments, lightPalette).kind).toBe('ready');
    expect(experimentBubblesModel([], lightPalette).kind).toBe('empty');
  });
  it('reads the experiment a bubble click picks', () => {
    expect(clickedExperiment({ name: 'demo-rag', seriesName: 'series0', data: { value: [3, 40] } })).toBe('demo-rag');
    expect(clickedExperiment({ name: 'demo-rag', dataType: 'main' })).toBe('demo-rag');
    expect(clickedExperiment({ name: '' })).toBeNull();
    expect(clickedExperiment({ name: 'x', dataType: 'edge' })).toBeNull();
  });
  it('lays cohorts out as a triangle of retention shares', () => {
    const model = cohortHeatmapModel(sampleActivity.cohorts, lightPalette);
    expect(model.kind === 'ready' && model.points).toBe(3);
    const data = seriesOf(model)[0]!.data as { value: number[] }[];
    expect(data.map((d) => d.value)).toEqual([[0, 0, 1], [1, 0, 0.5], [0, 1, 1]]);
    expect(cohortHeatmapModel([], lightPalette).kind).toBe('empty');
  });
  it('shows the funnel steps with their users, or why not', () => {
    const model = funnelModel(sampleActivity.funnel, lightPalette);
    expect(seriesOf(model)[0]!.data.map((d) => (d as { value: number }).value)).toEqual([4, 3]);
    expect(stepLabel('tags.step:answer')).toBe('answer');
    expect(funnelModel(null, lightPalette).kind).toBe('empty');
    const nobody = { ...sampleActivity.funnel!, steps: sampleActivity.funnel!.steps.map((s) => ({ ...s, users: 0 })) };
    expect(funnelModel(nobody, lightPalette).kind).toBe('empty');
  });
});

describe('network and calendar', () => {
  it('keeps each user’s strongest links', () => {
    const { links, nodes } = sampleActivity.network;
    const [annBob, annCy, annDee, bobDee] = links;
    // ann and cy keep ann–cy (4 calls); bob ties at 3 calls and keeps the first, ann–bob; dee
    // keeps bob–dee (3 calls over ann–dee's 2).
    const sameTeam = nodes.map((n) => ({ ...n, team: 'x' }));
    expect(strongestLinks(links, sameTeam, 1)).toEqual([annBob, annCy, bobDee]);
    // Across teams: ann (a) also keeps her strongest link to team b, ann–bob; dee (b) keeps
    // ann–dee, her only link to team a.
    expect(strongestLinks(links, nodes, 1)).toEqual([annBob, annCy, annDee, bobDee]);
    expect(strongestLinks(links, nodes)).toHaveLength(4);
    expect(shortName('ann@acme.dev')).toBe('ann');
    const model = networkModel(sampleActivity.network, lightPalette);
    expect(model.kind === 'ready' && model.points).toBe(4);
    expect(networkModel({ nodes: [], links: [] }, lightPalette).kind).toBe('empty');
  });
  it('names only the busiest users, and none on a phone', () => {
    const nodes = Array.from({ length: 10 }, (_, idx) => ({ user: `u${idx}@acme.dev`, team: 'a', calls: 10 - idx, cost_usd: 1 }));
    const model = networkModel({ nodes, links: [{ source: 0, target: 1, shared_experiments: 1, calls: 19 }] }, lightPalette);
    if (model.kind !== 'ready') throw new Error('expected a chart');
    const series = (model.option.series as { label: { formatter: (p: { dataIndex: number }) => string } }[])[0]!;
    const names = nodes.map((_, dataIndex) => series.label.formatter({ dataIndex }));
    expect(names).toEqual(['u0', 'u1', 'u2', 'u3', 'u4', 'u5', '', '', '', '']);
    const phone = (model.option as { media: { query: { maxWidth: number }; option: { series: { label: { show: boolean } }[] } }[] }).media[0]!;
    expect(phone.query.maxWidth).toBeLessThan(600);
    expect(phone.option.series[0]!.label.show).toBe(false);
  });
  it('spans at least six months up to the end of the range', () => {
    expect(calendarRange(sampleActivity.calendar)).toEqual(['2025-07-01', '2025-12-31']);
    const old = { ...sampleActivity.calendar, days: [{ t: Date.parse('2025-02-10T00:00:00Z'), calls: 1, cost_usd: 1 }] };
    expect(calendarRange(old)).toEqual(['2025-02-01', '2025-12-31']);
    expect(calendarModel({ ...sampleActivity.calendar, days: [] }, lightPalette).kind).toBe('empty');
  });
});
