import { describe, expect, it } from 'vitest';
import { gateFor, keyProblem, signInErrorMessage } from './session';

const KEY = `mlt_0123456789ab_${'f'.repeat(64)}`;

describe('gateFor', () => {
  it('is open without keys, asks for sign-in when keys exist and no session', () => {
    expect(gateFor({ auth_required: false, signed_in: false, key_id: null, expires: null })).toBe('open');
    expect(gateFor({ auth_required: true, signed_in: false, key_id: null, expires: null })).toBe('sign-in');
    expect(gateFor({ auth_required: true, signed_in: true, key_id: '0123456789ab', expires: '2026-01-01T00:00:00Z' })).toBe(
      'signed-in',
    );
  });
});

describe('keyProblem', () => {
  it('accepts a key, with surrounding whitespace', () => {
    expect(keyProblem(KEY)).toBeNull();
    expect(keyProblem(`  ${KEY}\n`)).toBeNull();
  });
  it('names what is wrong', () => {
    expect(keyProblem('')).toMatch(/Paste/);
    expect(keyProblem('sk-proj-abc')).toMatch(/starts with mlt_/);
    expect(keyProblem(KEY.slice(0, -1))).toMatch(/incomplete/);
    expect(keyProblem(`${KEY}0`)).toMatch(/incomplete/);
    expect(keyProblem(KEY.replace('0123', '0G23'))).toMatch(/incomplete/);
  });
});

describe('signInErrorMessage', () => {
  it('explains each refusal', () => {
    expect(signInErrorMessage(403, 'x')).toMatch(/scope read or admin/);
    expect(signInErrorMessage(401, 'x')).toMatch(/unknown, revoked/);
    expect(signInErrorMessage(429, 'x')).toMatch(/Too many/);
    expect(signInErrorMessage(500, 'boom')).toBe('boom');
    expect(signInErrorMessage(502, '')).toBe('Sign-in failed (HTTP 502).');
  });
});
