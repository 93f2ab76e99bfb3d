import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { base64urlDecode, base64urlEncode, isBase64url } from './base64url.js';

// Node's Buffer is the reference here, in the test only: core itself must not use it.
const reference = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');

const LENGTHS = [
  0,
  1,
  2,
  3,
  4,
  5,
  15,
  16,
  17,
  31,
  32,
  33,
  63,
  64,
  65,
  255,
  256,
  1023,
  4096,
  0x8000 - 1,
  0x8000,
  0x8000 + 1,
  100_000,
];

describe('base64urlEncode / base64urlDecode', () => {
  it.each(LENGTHS)('round-trips %i random bytes, matching Buffer', (length) => {
    const bytes = new Uint8Array(randomBytes(length));
    const text = base64urlEncode(bytes);
    expect(text).toBe(reference(bytes));
    expect(text).not.toMatch(/[+/=]/);
    expect(isBase64url(text)).toBe(true);
    expect(base64urlDecode(text)).toEqual(bytes);
  });

  it('encodes every byte value', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(base64urlEncode(all)).toBe(reference(all));
    expect(base64urlDecode(reference(all))).toEqual(all);
  });

  it('takes an ArrayBuffer, and a view into a larger buffer', () => {
    const bytes = Uint8Array.of(0, 1, 2, 251, 255, 254);
    expect(base64urlEncode(bytes.buffer)).toBe('AAEC-__-');
    expect(base64urlEncode(bytes.subarray(3, 5))).toBe('-_8');
  });

  it('decodes padded input too', () => {
    expect(base64urlDecode('-_8=')).toEqual(Uint8Array.of(251, 255));
    expect(base64urlDecode('AA==')).toEqual(Uint8Array.of(0));
  });

  it.each([
    ['standard base64 "+"', 'ab+c'],
    ['standard base64 "/"', 'ab/c'],
    ['a space', 'ab c'],
    ['a newline', 'abc\n'],
    ['a length of 4n+1', 'abcde'],
    ['a single character', 'a'],
    ['non-ASCII', 'abcé'],
    ['a dot', 'ab.c'],
    ['padding in the middle', 'ab=c'],
  ])('rejects %s with a TypeError', (_, text) => {
    expect(() => base64urlDecode(text)).toThrow(TypeError);
    expect(isBase64url(text)).toBe(false);
  });

  it('isBase64url does not accept padding (the wire form is unpadded)', () => {
    expect(isBase64url('AAEC')).toBe(true);
    expect(isBase64url('AA')).toBe(true);
    expect(isBase64url('AA==')).toBe(false);
    expect(isBase64url('')).toBe(true);
  });
});
