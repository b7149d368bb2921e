import { describe, expect, it } from 'vitest';
import { perfCardViews } from './cards';
import { samplePerformance } from './samplePerformance.test-data';

describe('perfCardViews', () => {
  it('formats each figure with its change and tone', () => {
    const [latency, ttft, errors, cache] = perfCardViews(samplePerformance());
    expect(latency!.figures[0]).toMatchObject({ id: 'latency-p50', value: '850 ms', change: { text: '▼ 5.6%', tone: 'good' } });
    expect(latency!.details).toEqual([
      { label: 'p90', value: '1.80 s' },
      { label: 'p95', value: '2.40 s' },
      { label: 'p99', value: '4.10 s' },
    ]);
    expect(ttft!.figures[0]).toMatchObject({ value: '320 ms', change: { text: '—', tone: 'neutral' } });
    expect(errors!.figures[0]).toMatchObject({ value: '1.20%', change: { text: '▲ 20.0%', tone: 'bad' } });
    expect(errors!.details).toContainEqual({ label: 'Top type', value: 'rate_limit' });
    expect(cache!.figures[0]).toMatchObject({ value: '6.0%', change: { tone: 'good' } });
  });

  it('says why a figure is missing', () => {
    const data = samplePerformance();
    data.summary.ttft_p50_ms = { value: null, previous: null, change_pct: null };
    expect(perfCardViews(data)[1]!.emptyReason).toContain('ttft_ms');
  });
});
