import type { Tone } from '../../lib/format';

/** Text colour of a good / bad / neutral figure. */
export const TONE_TEXT: Record<Tone, string> = {
  good: 'text-success',
  bad: 'text-danger',
  neutral: 'text-muted',
};

/** Pill (background + text) of a good / bad / neutral figure. */
export const TONE_PILL: Record<Tone, string> = {
  good: 'bg-success/10 text-success',
  bad: 'bg-danger/10 text-danger',
  neutral: 'bg-neutral/10 text-muted',
};
