import { describe, expect, it } from 'vitest';
import { ERROR_CODES, type ErrorCode, isErrorCode, statusOf } from './codes.js';

const codes = Object.keys(ERROR_CODES) as ErrorCode[];
// The statuses an error answer may carry (RFC 9110 §15.5, §15.6), and 0 for client-side outcomes.
const ERROR_STATUSES = new Set([0, 400, 401, 403, 404, 405, 409, 413, 415, 429, 500, 503]);

describe('ERROR_CODES', () => {
  it('holds the codes the HTTP contract names', () => {
    for (const code of [
      'INVALID_BODY',
      'PAYLOAD_TOO_LARGE',
      'UNAUTHENTICATED',
      'ORIGIN_NOT_ALLOWED',
      'STEP_UP_REQUIRED',
      'CHALLENGE_EXPIRED',
      'COUNTER_REGRESSION',
      'LAST_CREDENTIAL',
      'RATE_LIMITED',
      'STORE_UNAVAILABLE',
      'REQUEST_TIMEOUT',
      'NETWORK_ERROR',
      'INVALID_RESPONSE',
    ]) {
      expect(codes, code).toContain(code);
    }
  });

  it.each(codes)('%s is UPPER_SNAKE with a valid status', (code) => {
    expect(code).toMatch(/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/);
    expect(code.length).toBeLessThanOrEqual(64);
    expect(ERROR_STATUSES.has(ERROR_CODES[code])).toBe(true);
  });

  it('maps the statuses the contract fixes', () => {
    expect(statusOf('INVALID_BODY')).toBe(400);
    expect(statusOf('UNAUTHENTICATED')).toBe(401);
    expect(statusOf('ORIGIN_NOT_ALLOWED')).toBe(403);
    expect(statusOf('NOT_FOUND')).toBe(404);
    expect(statusOf('LAST_CREDENTIAL')).toBe(409);
    expect(statusOf('PAYLOAD_TOO_LARGE')).toBe(413);
    expect(statusOf('RATE_LIMITED')).toBe(429);
    expect(statusOf('STORE_UNAVAILABLE')).toBe(503);
    expect(statusOf('REQUEST_TIMEOUT')).toBe(503);
    expect(statusOf('NETWORK_ERROR')).toBe(0);
  });

  it('client-side outcomes are the only codes with status 0', () => {
    expect(codes.filter((code) => ERROR_CODES[code] === 0).sort()).toEqual([
      'CEREMONY_CANCELLED',
      'DECRYPTION_FAILED',
      'INVALID_RESPONSE',
      'NETWORK_ERROR',
      'PRF_KEY_NOT_ENROLLED',
      'WEBAUTHN_UNSUPPORTED',
    ]);
  });
});

describe('isErrorCode', () => {
  it.each(codes)('knows %s', (code) => {
    expect(isErrorCode(code)).toBe(true);
  });

  it.each([
    'rate_limited',
    'RATE_LIMITED ',
    'NOPE',
    '',
    'toString',
    'constructor',
    '__proto__',
    'hasOwnProperty',
    42,
    null,
    undefined,
    {},
  ])('refuses %j', (value) => {
    expect(isErrorCode(value)).toBe(false);
  });
});

describe('the registry is documented', () => {
  it('lists every code in the README’s error-code table', async () => {
    const { readFile } = await import('node:fs/promises');
    const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
    const missing = Object.keys(ERROR_CODES).filter((code) => !readme.includes(`\`${code}\``));
    expect(missing).toEqual([]);
  });
});
