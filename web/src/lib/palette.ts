// The brief's palette, for code that cannot read CSS (ECharts options). index.css declares the same
// values as CSS variables; palette.test.ts keeps the two in step.

export interface Palette {
  primary: string;
  success: string;
  warning: string;
  danger: string;
  neutral: string;
  background: string;
  surface: string;
  border: string;
  text: string;
  textMuted: string;
  /** Categorical colours for series without a meaning of their own (e.g. one per model). */
  series: string[];
}

const series = ['#6366f1', '#10b981', '#f59e0b', '#ef4444', '#06b6d4', '#8b5cf6', '#ec4899', '#84cc16', '#6b7280'];

export const lightPalette: Palette = {
  primary: '#6366f1',
  success: '#10b981',
  warning: '#f59e0b',
  danger: '#ef4444',
  neutral: '#6b7280',
  background: '#ffffff',
  surface: '#f9fafb',
  border: '#e5e7eb',
  text: '#111827',
  textMuted: '#6b7280',
  series,
};

export const darkPalette: Palette = {
  primary: '#818cf8',
  success: '#34d399',
  warning: '#fbbf24',
  danger: '#f87171',
  neutral: '#9ca3af',
  background: '#0b1020',
  surface: '#111827',
  border: '#1f2937',
  text: '#f3f4f6',
  textMuted: '#9ca3af',
  series: ['#818cf8', '#34d399', '#fbbf24', '#f87171', '#22d3ee', '#a78bfa', '#f472b6', '#a3e635', '#9ca3af'],
};

export type ThemeMode = 'light' | 'dark';

export function paletteFor(mode: ThemeMode): Palette {
  return mode === 'dark' ? darkPalette : lightPalette;
}
