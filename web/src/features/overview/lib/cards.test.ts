import { describe, expect, it } from 'vitest';
import { cardViews, latencyIndicator, latencyMeter, requestsTrend } from './cards';
import { sampleOverview } from './sampleOverview.test-data';

function card(id: string, overview = sampleOverview()) {
  const found = cardViews(overview).find((c) => c.id === id);
  if (!found) throw new Error(`no card ${id}`);
  return found;
}

describe('cardViews', () => {
  it('has the six cards of the brief in order', () => {
    expect(cardViews(sampleOverview()).map((c) => c.title)).toEqual([
      'Experiments & Runs',
      'Total Cost',
      'Average Latency',
      'Success Rate',
      'Active Users',
      'Token Usage',
    ]);
  });

  it('formats values with units', () => {
    expect(card('activity').figures.map((f) => f.value)).toEqual(['6', '5,120']);
    expect(card('cost').figures[0]!.value).toBe('$1,234.56');
    expect(card('latency').figures[0]!.value).toBe('850 ms');
    expect(card('success').figures[0]!.value).toBe('97.3%');
    expect(card('users').figures[0]!.value).toBe('84');
    expect(card('tokens').figures[0]!.value).toBe('91.2M');
  });

  it('colours changes by what is good news', () => {
    expect(card('cost').figures[0]!.change).toMatchObject({ text: '▲ 12.2%', tone: 'bad' });
    expect(card('latency').figures[0]!.change).toMatchObject({ text: '▼ 5.5%', tone: 'good' });
    expect(card('success').figures[0]!.change).toMatchObject({ text: '▲ 0.4%', tone: 'good' });
    expect(card('users').figures[0]!.change).toMatchObject({ text: '▲ 5.0%', tone: 'good' });
    expect(card('tokens').figures[0]!.change.tone).toBe('neutral');
    expect(card('activity').figures[0]!.change).toMatchObject({ text: '0.0%', tone: 'neutral' });
  });

  it('shows the cost breakdown and never hides unpriced events', () => {
    const cost = card('cost');
    expect(cost.details.map((d) => d.value)).toEqual(['$40.10', '$290.30', '$1,234.56']);
    expect(cost.warning).toMatch(/^120 unpriced events/);
    const priced = sampleOverview();
    priced.unpriced_events = 0;
    expect(card('cost', priced).warning).toBeUndefined();
  });

  it('shows p95, baseline and cost per 1K tokens', () => {
    expect(card('latency').details).toEqual([{ label: 'p95', value: '2.40 s' }]);
    expect(card('latency').indicator).toEqual({ label: 'Fast', tone: 'good' });
    expect(card('success').details[0]!.value).toBe('96.8%');
    expect(card('success').details[1]).toMatchObject({ value: '+0.5 pp', tone: 'good' });
    expect(card('tokens').details.find((d) => d.label === 'Per 1K tokens')!.value).toBe('$0.0135');
  });

  it('says why a value is missing instead of showing zero', () => {
    const overview = sampleOverview();
    overview.cards.avg_latency_ms = { value: null, previous: null, change_pct: null, p95: null };
    const latency = card('latency', overview);
    expect(latency.figures[0]!.value).toBe('—');
    expect(latency.figures[0]!.change.text).toBe('—');
    expect(latency.emptyReason).toMatch(/latency_ms/);
    expect(latency.indicator).toBeUndefined();
  });

  it('trends requests per bucket with gaps', () => {
    expect(requestsTrend(sampleOverview())).toEqual([1000, 840, null, 707]);
    expect(card('activity').trend?.label).toBe('Requests per 1d');
  });

  it('places latency on the performance meter', () => {
    expect(latencyMeter(0)!.position).toBe(0);
    expect(latencyMeter(500)!.position).toBeCloseTo(1 / 6);
    expect(latencyMeter(2000)!.position).toBeCloseTo(0.5);
    expect(latencyMeter(60_000)!.position).toBeCloseTo(1);
    expect(latencyMeter(null)).toBeUndefined();
  });

  it('grades latency', () => {
    expect(latencyIndicator(2500)).toEqual({ label: 'Moderate', tone: 'neutral' });
    expect(latencyIndicator(4000)).toEqual({ label: 'Slow', tone: 'bad' });
  });
});
