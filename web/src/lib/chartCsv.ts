// "CSV of the data behind the chart": one generic function that reads the rows back out of an
// ECharts option, so every ChartCard can export them without each page writing its own export.
// Cartesian charts give one row per category or time point and one column per series; pies one
// row per slice; heatmaps one row per cell; sankeys and graphs one row per link; anything else
// (radar, funnel, gauge) one row per data item. Missing values stay empty cells, never zeros.

export type CsvCell = string | number | null;
export interface CsvTable {
  header: string[];
  rows: CsvCell[][];
}

type Loose = Record<string, unknown>;

const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : value === undefined || value === null ? [] : [value]);
const isObject = (value: unknown): value is Loose => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The value of a data item: a number, [x, y] (its y), {value}, or null for a gap. */
function itemValue(item: unknown): unknown {
  if (isObject(item)) return itemValue(item.value);
  return item;
}

function cell(value: unknown): CsvCell {
  if (value === undefined || value === null || value === '-' || (typeof value === 'number' && !Number.isFinite(value))) return null;
  if (typeof value === 'number' || typeof value === 'string') return value;
  return String(value);
}

function axisOf(option: Loose, key: 'xAxis' | 'yAxis', index = 0): Loose | undefined {
  const axis = asArray(option[key])[index];
  return isObject(axis) ? axis : undefined;
}

/** A time-axis value as ISO 8601 UTC; other axis values as they are. */
function xCell(value: unknown, axis: Loose | undefined): CsvCell {
  if (axis?.type === 'time' && (typeof value === 'number' || typeof value === 'string')) {
    const date = new Date(value);
    if (!Number.isNaN(date.getTime())) return date.toISOString();
  }
  return cell(value);
}

function seriesName(series: Loose, index: number): string {
  return typeof series.name === 'string' && series.name !== '' ? series.name : `series ${index + 1}`;
}

function cartesianTable(option: Loose, series: Loose[]): CsvTable {
  const xAxis = axisOf(option, 'xAxis');
  const yAxis = axisOf(option, 'yAxis');
  const horizontal = yAxis?.type === 'category' && xAxis?.type !== 'category';
  const categoryAxis = horizontal ? yAxis : xAxis;
  const categories = categoryAxis && Array.isArray(categoryAxis.data) ? categoryAxis.data.map((c) => itemValue(c)) : null;
  const header = [typeof categoryAxis?.name === 'string' && categoryAxis.name ? categoryAxis.name : categoryAxis?.type === 'time' ? 't' : 'x'];
  header.push(...series.map(seriesName));
  if (categories) {
    const rows = categories.map((category, row) => [
      cell(category),
      ...series.map((s) => {
        const item = asArray(s.data)[row];
        const value = itemValue(item);
        return cell(Array.isArray(value) ? value[horizontal ? 0 : 1] : value);
      }),
    ]);
    return { header, rows };
  }
  // Value or time axes: the data items are [x, y] pairs; rows are the union of x, in order.
  const byX = new Map<string, { x: unknown; values: CsvCell[] }>();
  series.forEach((s, column) => {
    for (const item of asArray(s.data)) {
      const pair = itemValue(item);
      if (!Array.isArray(pair)) continue;
      const key = String(pair[0]);
      let row = byX.get(key);
      if (!row) {
        row = { x: pair[0], values: series.map(() => null) };
        byX.set(key, row);
      }
      row.values[column] = cell(pair[1]);
    }
  });
  const ordered = [...byX.values()].sort((a, b) =>
    typeof a.x === 'number' && typeof b.x === 'number' ? a.x - b.x : String(a.x).localeCompare(String(b.x)),
  );
  return { header, rows: ordered.map((row) => [xCell(row.x, categoryAxis), ...row.values]) };
}

function heatmapTable(option: Loose, series: Loose): CsvTable {
  const xAxis = axisOf(option, 'xAxis');
  const yAxis = axisOf(option, 'yAxis');
  const label = (axis: Loose | undefined, value: unknown) =>
    axis && Array.isArray(axis.data) && typeof value === 'number' ? cell(itemValue(axis.data[value])) : xCell(value, axis);
  const rows = asArray(series.data).flatMap((item) => {
    const triple = itemValue(item);
    return Array.isArray(triple) ? [[label(xAxis, triple[0]), label(yAxis, triple[1]), cell(triple[2])]] : [];
  });
  return { header: ['x', 'y', 'value'], rows };
}

/** The table behind an ECharts option, or null when it has no series with data. */
export function optionToTable(option: unknown): CsvTable | null {
  if (!isObject(option)) return null;
  const series = asArray(option.series).filter(isObject);
  if (series.length === 0) return null;
  const types = new Set(series.map((s) => s.type));
  if (types.size === 1 && types.has('heatmap')) return heatmapTable(option, series[0]!);
  if ([...types].every((t) => t === 'sankey' || t === 'graph')) {
    const rows = series.flatMap((s) =>
      asArray(s.links ?? s.edges).filter(isObject).map((link) => [cell(link.source), cell(link.target), cell(link.value)]),
    );
    return { header: ['source', 'target', 'value'], rows };
  }
  if ([...types].every((t) => t === 'line' || t === 'bar' || t === 'scatter')) return cartesianTable(option, series);
  // Pies and everything else: one row per named data item, with its series when there are several.
  const several = series.length > 1;
  const rows = series.flatMap((s, index) =>
    asArray(s.data).map((item, itemIndex) => {
      const name = isObject(item) && item.name !== undefined ? cell(item.name) : `item ${itemIndex + 1}`;
      const value = itemValue(item);
      const values = Array.isArray(value) ? value.map(cell) : [cell(value)];
      return several ? [seriesName(s, index), name, ...values] : [name, ...values];
    }),
  );
  return { header: several ? ['series', 'name', 'value'] : ['name', 'value'], rows };
}

function escapeCell(value: CsvCell): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** RFC 4180 text: a header line, then one line per row, CRLF line ends. */
export function toCsv(table: CsvTable): string {
  return [table.header, ...table.rows].map((row) => row.map(escapeCell).join(',')).join('\r\n') + '\r\n';
}

/** Starts a download of `text` as `filename` (a Blob URL, revoked once the click has been handled). */
export function downloadText(text: string, filename: string, type = 'text/csv;charset=utf-8'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
