import { describe, expect, it } from 'vitest';
import {
  changeTone,
  formatChange,
  formatCompact,
  formatDuration,
  formatInteger,
  formatPointsDelta,
  formatRatio,
  formatUsd,
} from './format';

describe('formatCompact', () => {
  it('writes small integers in full and large ones with a suffix', () => {
    expect(formatCompact(0)).toBe('0');
    expect(formatCompact(5120)).toBe('5,120');
    expect(formatCompact(12_345)).toBe('12.3K');
    expect(formatCompact(91_234_567)).toBe('91.2M');
    expect(formatCompact(250_000)).toBe('250K');
    expect(formatCompact(3_400_000_000)).toBe('3.4B');
  });
  it('shows missing values as a dash, never as zero', () => {
    expect(formatCompact(null)).toBe('—');
    expect(formatCompact(Number.NaN)).toBe('—');
  });
});

describe('formatUsd', () => {
  it('formats dollars with cents and separators', () => {
    expect(formatUsd(1234.56)).toBe('$1,234.56');
    expect(formatUsd(40.1)).toBe('$40.10');
    expect(formatUsd(0)).toBe('$0.00');
  });
  it('keeps three significant digits below a dollar', () => {
    expect(formatUsd(0.0135)).toBe('$0.0135');
    expect(formatUsd(0.5)).toBe('$0.50');
    expect(formatUsd(0.000012)).toBe('$0.000012');
  });
  it('compacts millions', () => {
    expect(formatUsd(1_230_000)).toBe('$1.23M');
  });
  it('dashes null', () => {
    expect(formatUsd(null)).toBe('—');
  });
});

describe('formatDuration', () => {
  it('picks ms, s or min', () => {
    expect(formatDuration(4.25)).toBe('4.3 ms');
    expect(formatDuration(0)).toBe('0 ms');
    expect(formatDuration(850.2)).toBe('850 ms');
    expect(formatDuration(2400)).toBe('2.40 s');
    expect(formatDuration(12_340)).toBe('12.3 s');
    expect(formatDuration(90_000)).toBe('1.5 min');
    expect(formatDuration(null)).toBe('—');
  });
});

describe('ratios and changes', () => {
  it('formats ratios as percent', () => {
    expect(formatRatio(0.973)).toBe('97.3%');
    expect(formatRatio(1)).toBe('100.0%');
    expect(formatRatio(null)).toBe('—');
  });
  it('marks the direction of a change', () => {
    expect(formatChange(12.2)).toBe('▲ 12.2%');
    expect(formatChange(-5.5)).toBe('▼ 5.5%');
    expect(formatChange(0.01)).toBe('0.0%');
    expect(formatChange(null)).toBe('—');
    expect(formatChange(210_783.3)).toBe('▲ >999%');
    expect(formatChange(999.9)).toBe('▲ 999.9%');
  });
  it('writes percentage-point deltas', () => {
    expect(formatPointsDelta(0.973, 0.968)).toBe('+0.5 pp');
    expect(formatPointsDelta(0.95, 0.968)).toBe('−1.8 pp');
    expect(formatPointsDelta(0.5, null)).toBe('—');
  });
  it('integers', () => {
    expect(formatInteger(812345)).toBe('812,345');
  });
});

describe('changeTone', () => {
  it('cost up is bad, success up is good, tokens are neutral', () => {
    expect(changeTone(12.2, 'up-bad')).toBe('bad');
    expect(changeTone(-3, 'up-bad')).toBe('good');
    expect(changeTone(0.41, 'up-good')).toBe('good');
    expect(changeTone(-0.41, 'up-good')).toBe('bad');
    expect(changeTone(3.7, 'neutral')).toBe('neutral');
    expect(changeTone(null, 'up-good')).toBe('neutral');
    expect(changeTone(0, 'up-bad')).toBe('neutral');
  });
});
