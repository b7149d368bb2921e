import { describe, expect, it } from 'vitest';
import { firstEventCurl } from './firstEvent';

describe('firstEventCurl', () => {
  it('posts one valid event to this origin', () => {
    const curl = firstEventCurl('http://127.0.0.1:8080', new Date('2026-11-27T05:00:00.123Z'));
    expect(curl).toBe(
      `curl -X POST http://127.0.0.1:8080/api/v1/events -H 'Content-Type: application/json' -d ` +
        `'{"ts":"2026-11-27T05:00:00Z","model":"gpt-4o-mini","provider":"openai","input_tokens":120,"output_tokens":48,"latency_ms":830}'`,
    );
  });
});
