// Number formatting shared by the cards, the chart tooltips and the browser tests (e2e/ imports
// this file), so what a test expects is exactly what the page shows. Locale is fixed to en-US and
// no Intl "compact" notation is used: Node's and Chromium's ICU data must not disagree.

const EM_DASH = '—';

function group(n: number, fractionDigits: number): string {
  return n.toLocaleString('en-US', {
    minimumFractionDigits: fractionDigits,
    maximumFractionDigits: fractionDigits,
  });
}

const SUFFIXES: [number, string][] = [
  [1e12, 'T'],
  [1e9, 'B'],
  [1e6, 'M'],
  [1e3, 'K'],
];

/** 5120 → "5,120"; 91234567 → "91.2M"; 12345 → "12.3K". Integers below 10,000 are written in full. */
export function formatCompact(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return EM_DASH;
  const abs = Math.abs(value);
  if (abs < 10_000) return group(value, Number.isInteger(value) ? 0 : 1);
  for (const [scale, suffix] of SUFFIXES) {
    if (abs >= scale) {
      const scaled = value / scale;
      const digits = Math.abs(scaled) >= 100 ? 0 : 1;
      return `${group(scaled, digits)}${suffix}`;
    }
  }
  return group(value, 0);
}

/** Full integer with thousands separators: 812345 → "812,345". */
export function formatInteger(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return EM_DASH;
  return group(Math.round(value), 0);
}

/**
 * USD: "$1,234.56"; ≥ $1M → "$1.23M"; below one dollar three significant digits ("$0.0135"),
 * so a cost per 1K tokens is never rounded to "$0.00".
 */
export function formatUsd(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return EM_DASH;
  const sign = value < 0 ? '-' : '';
  const abs = Math.abs(value);
  if (abs === 0) return '$0.00';
  if (abs >= 1e9) return `${sign}$${group(abs / 1e9, 2)}B`;
  if (abs >= 1e6) return `${sign}$${group(abs / 1e6, 2)}M`;
  if (abs >= 1) return `${sign}$${group(abs, 2)}`;
  if (abs < 1e-9) return `${sign}$0.00`;
  // Three significant digits, trailing zeros dropped, but always at least cents.
  let text = abs.toFixed(Math.max(2, 2 - Math.floor(Math.log10(abs)))).replace(/0+$/, '');
  const decimals = text.length - text.indexOf('.') - 1;
  if (decimals < 2) text = text.padEnd(text.indexOf('.') + 3, '0');
  return `${sign}$${text}`;
}

/** Milliseconds: "850 ms", "4.2 ms", "2.40 s", "12.3 s", "1.5 min". */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return EM_DASH;
  const abs = Math.abs(ms);
  if (abs < 10) return `${Number.isInteger(ms) ? ms : ms.toFixed(1)} ms`;
  if (abs < 1000) return `${Math.round(ms)} ms`;
  if (abs < 10_000) return `${(ms / 1000).toFixed(2)} s`;
  if (abs < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${(ms / 60_000).toFixed(1)} min`;
}

/** A ratio in [0, 1] as a percentage: 0.973 → "97.3%". */
export function formatRatio(ratio: number | null | undefined, fractionDigits = 1): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return EM_DASH;
  return `${(ratio * 100).toFixed(fractionDigits)}%`;
}

/**
 * A change in percent: 12.2 → "▲ 12.2%", -5.5 → "▼ 5.5%", 0 → "0.0%", null → "—". Rises of 1000%
 * and more read "▲ >999%": against a near-empty previous period the exact figure means nothing.
 */
export function formatChange(pct: number | null | undefined): string {
  if (pct === null || pct === undefined || !Number.isFinite(pct)) return EM_DASH;
  const rounded = Math.abs(pct) < 0.05 ? 0 : pct;
  if (rounded === 0) return '0.0%';
  const magnitude = Math.abs(rounded);
  const text = magnitude >= 999.95 ? '>999%' : `${magnitude.toFixed(1)}%`;
  return `${rounded > 0 ? '▲' : '▼'} ${text}`;
}

/** Difference of two ratios in percentage points: (0.973, 0.968) → "+0.5 pp". */
export function formatPointsDelta(value: number | null, base: number | null): string {
  if (value === null || base === null || !Number.isFinite(value) || !Number.isFinite(base)) return EM_DASH;
  const pp = (value - base) * 100;
  const rounded = Math.abs(pp) < 0.05 ? 0 : pp;
  return `${rounded > 0 ? '+' : rounded < 0 ? '−' : '±'}${Math.abs(rounded).toFixed(1)} pp`;
}

/** Whether a rise in a figure is good news, bad news, or neither. */
export type Polarity = 'up-good' | 'up-bad' | 'neutral';
export type Tone = 'good' | 'bad' | 'neutral';

export function changeTone(pct: number | null | undefined, polarity: Polarity): Tone {
  if (pct === null || pct === undefined || !Number.isFinite(pct) || Math.abs(pct) < 0.05) return 'neutral';
  if (polarity === 'neutral') return 'neutral';
  const up = pct > 0;
  return up === (polarity === 'up-good') ? 'good' : 'bad';
}
