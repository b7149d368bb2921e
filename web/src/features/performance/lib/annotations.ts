// Annotations on the time charts: moments as dashed vertical lines (markLine), spans as shaded
// areas (markArea), each with its text in a tooltip; and the list shown in an axis tooltip for
// the bucket under the pointer. Pure functions of the API's annotations.
import type { MarkAreaComponentOption, MarkLineComponentOption } from 'echarts/components';
import { format as formatDate } from 'date-fns';
import type { Annotation, AnnotationInput, AnnotationKind } from '../../../api/types';
import { escapeHtml } from '../../../lib/chart';
import type { Palette } from '../../../lib/palette';

export const ANNOTATION_KINDS: AnnotationKind[] = ['deploy', 'incident', 'config'];

export const ANNOTATION_LABELS: Record<AnnotationKind, string> = {
  deploy: 'Deploy',
  incident: 'Incident',
  config: 'Config change',
};

export function annotationColor(kind: AnnotationKind, palette: Palette): string {
  return kind === 'incident' ? palette.danger : kind === 'config' ? palette.warning : palette.primary;
}

/** "Deploy · Dec 1, 14:35 – 16:35 · provider = anthropic" */
export function annotationMeta(annotation: Annotation): string {
  const time = formatDate(annotation.ts, 'MMM d, HH:mm');
  const end = annotation.end !== null && annotation.end !== annotation.ts ? ` – ${formatDate(annotation.end, 'MMM d, HH:mm')}` : '';
  const scope = annotation.scope ? ` · ${annotation.scope.field} = ${annotation.scope.value}` : '';
  return `${ANNOTATION_LABELS[annotation.kind]} · ${time}${end}${scope}`;
}

/** Tooltip HTML of one annotation: coloured kind, time and scope, then its text. */
export function annotationTooltip(annotation: Annotation, palette: Palette): string {
  const color = annotationColor(annotation.kind, palette);
  return (
    `<div style="max-width:280px;white-space:normal;margin-top:6px">` +
    `<div style="color:${color};font-weight:600;font-size:11px">${escapeHtml(annotationMeta(annotation))}</div>` +
    `<div>${escapeHtml(annotation.text)}</div></div>`
  );
}

/** The annotations that overlap the bucket [t, t + bucketMs). */
export function annotationsInBucket(annotations: Annotation[], t: number, bucketMs: number): Annotation[] {
  const end = t + Math.max(bucketMs, 1);
  return annotations.filter((a) => a.ts < end && (a.end ?? a.ts) >= t);
}

interface Markers {
  markLine?: MarkLineComponentOption;
  markArea?: MarkAreaComponentOption;
}

/**
 * markLine/markArea for one series of a time chart: moments inside [from, to) as lines, spans
 * clipped to the range as areas. Empty when there is nothing to mark.
 */
export function annotationMarkers(annotations: Annotation[], range: { from: string; to: string }, palette: Palette): Markers {
  const from = Date.parse(range.from);
  const to = Date.parse(range.to);
  const inRange = annotations.filter((a) => a.ts < to && (a.end ?? a.ts) >= from);
  const moments = inRange.filter((a) => a.end === null || a.end === a.ts);
  const spans = inRange.filter((a) => a.end !== null && a.end !== a.ts);
  const tooltip = {
    trigger: 'item' as const,
    formatter: (raw: unknown) => {
      const id = Number((raw as { data?: { id?: number } }).data?.id);
      const annotation = inRange.find((a) => a.id === id);
      return annotation ? annotationTooltip(annotation, palette) : '';
    },
  };
  const markers: Markers = {};
  if (moments.length > 0) {
    markers.markLine = {
      symbol: ['none', 'circle'],
      symbolSize: 7,
      silent: false,
      animation: false,
      tooltip,
      data: moments.map((a) => ({
        id: a.id,
        name: a.text,
        xAxis: a.ts,
        lineStyle: { color: annotationColor(a.kind, palette), type: 'dashed' as const, width: 1.5 },
        itemStyle: { color: annotationColor(a.kind, palette) },
        label: { show: false },
        emphasis: { label: { show: false }, lineStyle: { width: 2.5 } },
      })),
    } as MarkLineComponentOption;
  }
  if (spans.length > 0) {
    markers.markArea = {
      silent: false,
      animation: false,
      tooltip,
      data: spans.map((a) => [
        {
          id: a.id,
          name: a.text,
          xAxis: Math.max(a.ts, from),
          itemStyle: { color: annotationColor(a.kind, palette), opacity: 0.14 },
          label: { show: false },
        },
        { xAxis: Math.min(a.end ?? a.ts, to) },
      ]),
    } as MarkAreaComponentOption;
  }
  return markers;
}

export interface AnnotationDraft {
  /** datetime-local value (local time), e.g. "2026-12-01T14:35". */
  ts: string;
  /** Optional end, same format; empty for a moment. */
  end: string;
  text: string;
  kind: AnnotationKind;
  /** "provider=anthropic" style scope, or empty. */
  scope: string;
}

/** Turns a form draft into the API body, or says which field is wrong (checked again by the server). */
export function annotationInput(draft: AnnotationDraft): { input: AnnotationInput } | { field: string; error: string } {
  const ts = Date.parse(draft.ts);
  if (!draft.ts || !Number.isFinite(ts)) return { field: 'ts', error: 'Pick when it happened.' };
  let end: number | null = null;
  if (draft.end) {
    end = Date.parse(draft.end);
    if (!Number.isFinite(end)) return { field: 'end', error: 'The end is not a valid time.' };
    if (end < ts) return { field: 'end', error: 'The end must not be before the start.' };
  }
  const text = draft.text.trim();
  if (!text) return { field: 'text', error: 'Say what happened.' };
  let scope: AnnotationInput['scope'] = null;
  if (draft.scope.trim()) {
    const [field, ...rest] = draft.scope.split('=');
    const value = rest.join('=').trim();
    if (!field?.trim() || !value) return { field: 'scope', error: 'Scope is field=value, e.g. provider=anthropic.' };
    scope = { field: field.trim(), value };
  }
  return { input: { ts, end, text, kind: draft.kind, scope } };
}
