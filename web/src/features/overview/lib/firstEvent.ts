// The onboarding command shown on an empty store.

/** The README, copied next to index.html by the build (vite.config.ts), so it matches this binary. */
export const README_URL = '/README.txt';

/** A copy-pasteable curl that sends one valid event (DESIGN.md §6) to this server. */
export function firstEventCurl(origin: string, now: Date): string {
  const event = {
    ts: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    model: 'gpt-4o-mini',
    provider: 'openai',
    input_tokens: 120,
    output_tokens: 48,
    latency_ms: 830,
  };
  return `curl -X POST ${origin}/api/v1/events -H 'Content-Type: application/json' -d '${JSON.stringify(event)}'`;
}
