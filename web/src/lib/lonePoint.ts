// A line series draws a segment between two values and nothing for a value alone: a range with a
// single bucket (or a series with one value) would show an empty chart. Line series therefore show
// their symbols when they hold exactly one value, so that value is a visible dot.

/** A line series' data item: a value, or a [time, value] pair; null/undefined is a gap. */
export type LinePoint = number | null | undefined | readonly [number, number | null | undefined];

/** True when `data` holds exactly one finite value (the others are gaps). */
export function isLonePoint(data: readonly LinePoint[]): boolean {
  let values = 0;
  for (const point of data) {
    const value = Array.isArray(point) ? point[1] : point;
    if (typeof value === 'number' && Number.isFinite(value)) {
      values += 1;
      if (values > 1) return false;
    }
  }
  return values === 1;
}
