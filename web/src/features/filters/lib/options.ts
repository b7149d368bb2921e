// Turns a group-by query result into dropdown options.
import type { QueryResult } from '../../../api/types';

export interface Option {
  value: string;
  count: number;
}

/** Rows of `{group_by: [field], metrics: ["count"]}` → options; null groups (field absent) are left out. */
export function optionsFromResult(result: QueryResult, field: string): Option[] {
  const valueIdx = result.columns.indexOf(field);
  const countIdx = result.columns.indexOf('count');
  if (valueIdx < 0) return [];
  const options: Option[] = [];
  for (const row of result.rows) {
    const value = row[valueIdx];
    if (value === null || value === undefined || value === '') continue;
    const count = countIdx >= 0 ? Number(row[countIdx] ?? 0) : 0;
    options.push({ value: String(value), count: Number.isFinite(count) ? count : 0 });
  }
  return options;
}
