import { describe, expect, it } from 'vitest';
import { ERROR_CODES, type ErrorCode } from './codes.js';
import { isLatchkeyError, LatchkeyError } from './latchkey-error.js';

describe('LatchkeyError', () => {
  it('carries code, status from the registry, message, cause and details', () => {
    const cause = new Error('SimpleWebAuthn: Unexpected RP ID hash');
    const error = new LatchkeyError('RP_ID_MISMATCH', 'The RP ID does not match', {
      cause,
      details: { expected: 'app.example' },
    });
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(LatchkeyError);
    expect(error.name).toBe('LatchkeyError');
    expect(error.code).toBe('RP_ID_MISMATCH');
    expect(error.status).toBe(400);
    expect(error.message).toBe('The RP ID does not match');
    expect(error.cause).toBe(cause);
    expect(error.details).toEqual({ expected: 'app.example' });
    expect(error.stack).toContain('LatchkeyError');
  });

  it.each(Object.keys(ERROR_CODES) as ErrorCode[])(
    '%s takes its registry status by default',
    (code) => {
      const error = new LatchkeyError(code);
      expect(error.status).toBe(ERROR_CODES[code]);
      expect(error.message).toBe(code);
      expect(error.cause).toBeUndefined();
      expect(error.details).toBeUndefined();
      expect('cause' in error).toBe(false);
    },
  );

  it('lets a client record the status it actually saw', () => {
    expect(new LatchkeyError('INVALID_RESPONSE', 'HTTP 502', { status: 502 }).status).toBe(502);
  });

  it('serializes to the wire shape, without cause or details', () => {
    const error = new LatchkeyError('LAST_CREDENTIAL', 'This is your only passkey', {
      cause: new Error('secret'),
      details: { count: 1 },
    });
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      error: { code: 'LAST_CREDENTIAL', message: 'This is your only passkey' },
    });
  });
});

describe('isLatchkeyError', () => {
  it('narrows a LatchkeyError', () => {
    const value: unknown = new LatchkeyError('RATE_LIMITED', 'Slow down', {
      details: { retryAfter: 30 },
    });
    expect(isLatchkeyError(value)).toBe(true);
    if (isLatchkeyError(value)) expect(value.details?.retryAfter).toBe(30);
  });

  it('accepts a structurally equal error from another copy of the package', () => {
    // A second bundle copy has its own class; only the shape is shared.
    class OtherCopyOfLatchkeyError extends Error {
      override readonly name = 'LatchkeyError';
      readonly code = 'UNAUTHENTICATED';
      readonly status = 401;
    }
    const foreign = new OtherCopyOfLatchkeyError('Sign in first');
    expect(foreign).not.toBeInstanceOf(LatchkeyError);
    expect(isLatchkeyError(foreign)).toBe(true);
  });

  it.each([
    ['a plain Error', new Error('UNAUTHENTICATED')],
    [
      'an Error named LatchkeyError with an unknown code',
      Object.assign(new Error('x'), { name: 'LatchkeyError', code: 'NOPE' }),
    ],
    [
      'an Error named LatchkeyError without a code',
      Object.assign(new Error('x'), { name: 'LatchkeyError' }),
    ],
    [
      'an Error with a code but another name',
      Object.assign(new TypeError('x'), { code: 'UNAUTHENTICATED' }),
    ],
    [
      'a plain object of the same shape',
      { name: 'LatchkeyError', code: 'UNAUTHENTICATED', message: 'x' },
    ],
    ['the wire shape', { error: { code: 'UNAUTHENTICATED', message: 'x' } }],
    ['null', null],
    ['a string', 'LatchkeyError'],
  ])('refuses %s', (_, value) => {
    expect(isLatchkeyError(value)).toBe(false);
  });
});
