// The rows a virtualised list renders: those in view plus `overscan` on each side. Pure.

export interface RowWindow {
  first: number;
  /** Exclusive. */
  end: number;
  /** Pixels above the first rendered row (a spacer keeps the scroll height right). */
  offsetTop: number;
  totalHeight: number;
}

export function rowWindow(scrollTop: number, viewportHeight: number, rowHeight: number, count: number, overscan = 8): RowWindow {
  const totalHeight = count * rowHeight;
  if (count === 0 || rowHeight <= 0) return { first: 0, end: 0, offsetTop: 0, totalHeight: 0 };
  const top = Math.max(0, Math.min(scrollTop, Math.max(0, totalHeight - viewportHeight)));
  const first = Math.max(0, Math.floor(top / rowHeight) - overscan);
  const end = Math.min(count, Math.ceil((top + viewportHeight) / rowHeight) + overscan);
  return { first, end, offsetTop: first * rowHeight, totalHeight };
}

/** Whether the view is within `threshold` rows of the end: time to load the next page. */
export function nearEnd(scrollTop: number, viewportHeight: number, rowHeight: number, count: number, threshold = 20): boolean {
  return scrollTop + viewportHeight >= (count - threshold) * rowHeight;
}
