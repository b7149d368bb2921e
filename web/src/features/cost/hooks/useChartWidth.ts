import { useEffect, useState, type RefObject } from 'react';

const LG = '(min-width: 1024px)';
const CARD_PADDING = 32; // ChartCard's p-4 on both sides
const GRID_GAP = 16; // gap-4 between the two columns

/**
 * The drawing width of a chart in the half-width cards of `grid` (two columns from lg up, one
 * below), followed as the grid resizes; `fallback` before the first measure.
 */
export function useHalfCardChartWidth(grid: RefObject<HTMLElement | null>, fallback = 560): number {
  const [width, setWidth] = useState(fallback);
  useEffect(() => {
    const element = grid.current;
    if (!element) return;
    const measure = () => {
      const columns = window.matchMedia(LG).matches ? 2 : 1;
      const column = (element.clientWidth - GRID_GAP * (columns - 1)) / columns;
      if (column > 0) setWidth(Math.round(column - CARD_PADDING));
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, [grid]);
  return width;
}
