import { describe, expect, it } from 'vitest';
import { lightPalette } from '../../../lib/palette';
import { annotationInput, annotationMarkers, annotationMeta, annotationsInBucket, annotationTooltip } from './annotations';
import { T0, samplePerformance } from './samplePerformance.test-data';

const DAY = 86_400_000;

describe('annotationMarkers', () => {
  it('draws moments in range as lines and spans as areas, leaving out what is outside the range', () => {
    const { annotations, range } = samplePerformance();
    const markers = annotationMarkers(annotations, range, lightPalette);
    const lines = markers.markLine?.data as { id: number; xAxis: number }[];
    expect(lines.map((l) => [l.id, l.xAxis])).toEqual([[1, T0 + 3_600_000]]);
    const areas = markers.markArea?.data as [{ id: number; xAxis: number }, { xAxis: number }][];
    expect(areas).toHaveLength(1);
    expect(areas[0]![0]).toMatchObject({ id: 2, xAxis: T0 + 2 * DAY + 3_600_000 });
    expect(areas[0]![1].xAxis).toBe(T0 + 2 * DAY + 3 * 3_600_000);
  });

  it('clips a span that started before the range', () => {
    const { range } = samplePerformance();
    const markers = annotationMarkers(
      [{ id: 9, ts: T0 - DAY, end: T0 + DAY, text: 'long incident', kind: 'incident', scope: null, created: 0 }],
      range,
      lightPalette,
    );
    const [start, end] = (markers.markArea?.data as [{ xAxis: number }, { xAxis: number }][])[0]!;
    expect(start.xAxis).toBe(T0);
    expect(end.xAxis).toBe(T0 + DAY);
    expect(markers.markLine).toBeUndefined();
  });

  it('has no markers without annotations', () => {
    expect(annotationMarkers([], samplePerformance().range, lightPalette)).toEqual({});
  });
});

describe('annotation text', () => {
  it('finds the annotations overlapping a bucket', () => {
    const { annotations } = samplePerformance();
    expect(annotationsInBucket(annotations, T0, DAY).map((a) => a.id)).toEqual([1]);
    expect(annotationsInBucket(annotations, T0 + DAY, DAY)).toEqual([]);
    expect(annotationsInBucket(annotations, T0 + 2 * DAY, DAY).map((a) => a.id)).toEqual([2]);
  });

  it('escapes the text in tooltips and names kind, time and scope', () => {
    const annotation = { ...samplePerformance().annotations[1]!, text: '<b>x</b>' };
    expect(annotationMeta(annotation)).toMatch(/^Incident · Nov 3, \d\d:\d\d – Nov 3, \d\d:\d\d · provider = anthropic$/);
    const html = annotationTooltip(annotation, lightPalette);
    expect(html).toContain('&lt;b&gt;x&lt;/b&gt;');
    expect(html).not.toContain('<b>x</b>');
  });
});

describe('annotationInput', () => {
  const draft = { ts: '2026-11-02T10:30', end: '', text: ' Gateway v2.15 ', kind: 'deploy' as const, scope: '' };

  it('turns a draft into the API body', () => {
    const result = annotationInput({ ...draft, end: '2026-11-02T11:00', scope: 'provider = anthropic' });
    expect(result).toEqual({
      input: {
        ts: Date.parse('2026-11-02T10:30'),
        end: Date.parse('2026-11-02T11:00'),
        text: 'Gateway v2.15',
        kind: 'deploy',
        scope: { field: 'provider', value: 'anthropic' },
      },
    });
    expect(annotationInput(draft)).toMatchObject({ input: { end: null, scope: null } });
  });

  it('names the field that is wrong', () => {
    expect(annotationInput({ ...draft, ts: '' })).toMatchObject({ field: 'ts' });
    expect(annotationInput({ ...draft, end: '2026-11-02T09:00' })).toMatchObject({ field: 'end' });
    expect(annotationInput({ ...draft, text: '   ' })).toMatchObject({ field: 'text' });
    expect(annotationInput({ ...draft, scope: 'anthropic' })).toMatchObject({ field: 'scope' });
    expect(annotationInput({ ...draft, scope: 'provider=' })).toMatchObject({ field: 'scope' });
  });
});
