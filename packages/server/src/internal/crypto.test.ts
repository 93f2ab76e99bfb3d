import { base64urlEncode } from '@latchkey/core';
import { describe, expect, it, vi } from 'vitest';
import {
  cryptoBackend,
  hmacSha256,
  randomBytes,
  randomCode,
  randomToken,
  sha256,
  sha256Bytes,
} from './crypto.js';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('internal crypto', () => {
  it('uses node:crypto on Node, chosen through process.getBuiltinModule', () => {
    expect(cryptoBackend).toBe('node');
  });

  it('gives the FIPS 180-4 and RFC 4231 answers', async () => {
    expect(await sha256('abc')).toBe('ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0');
    expect(hex(await sha256Bytes(new TextEncoder().encode('abc')))).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    // RFC 4231 §4.3, test case 2.
    expect(hex(await hmacSha256('Jefe', 'what do ya want for nothing?'))).toBe(
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
  });

  it('matches Web Crypto byte for byte on text (UTF-8) and bytes', async () => {
    for (let i = 0; i < 200; i++) {
      const bytes = randomBytes(i);
      const text = `${String.fromCodePoint(0x1f511)} ${i} é ${randomToken(i % 40)}`;
      const web = async (data: Uint8Array) =>
        new Uint8Array(await crypto.subtle.digest('SHA-256', data as Uint8Array<ArrayBuffer>));
      expect(await sha256Bytes(bytes)).toEqual(await web(bytes));
      expect(await sha256(text)).toBe(base64urlEncode(await web(new TextEncoder().encode(text))));
      const key = await crypto.subtle.importKey(
        'raw',
        new TextEncoder().encode(text),
        { name: 'HMAC', hash: 'SHA-256' },
        false,
        ['sign'],
      );
      const webMac = new Uint8Array(
        await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(`${i}:${text}`)),
      );
      expect(await hmacSha256(text, `${i}:${text}`)).toEqual(webMac);
    }
  });

  it('returns plain Uint8Arrays of the asked length, and codes from the alphabet', async () => {
    expect(Object.getPrototypeOf(await sha256Bytes('x'))).toBe(Uint8Array.prototype);
    expect(Object.getPrototypeOf(await hmacSha256('k', 'm'))).toBe(Uint8Array.prototype);
    expect(randomBytes(17)).toHaveLength(17);
    expect(randomToken()).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(randomToken()).not.toBe(randomToken());
    expect(randomCode(12)).toMatch(/^[ABCDEFGHJKMNPQRSTVWXYZ23456789]{12}$/);
  });

  it('draws fresh bytes for every call, small or large, across pages of the pool', () => {
    const seen = new Set<string>();
    let total = 0;
    // Lengths that straddle the pool's 4,096-byte pages and its 256-byte limit.
    for (let i = 0; i < 3000; i++) {
      const length = [1, 7, 16, 32, 255, 256, 257, 1000][i % 8]!;
      const bytes = randomBytes(length);
      expect(bytes).toHaveLength(length);
      expect(Object.getPrototypeOf(bytes)).toBe(Uint8Array.prototype);
      total += length;
      if (length >= 16) seen.add(Buffer.from(bytes).toString('hex'));
    }
    expect(total).toBeGreaterThan(4 * 4096);
    // No 16-byte-or-longer draw ever repeats, and no draw is all zeros (a wiped page).
    expect(seen.size).toBe((3000 / 8) * 6);
    expect([...seen].some((h) => /^0+$/.test(h))).toBe(false);
  });

  it('falls back to Web Crypto where process.getBuiltinModule is missing, with the same answers', async () => {
    const original = process.getBuiltinModule;
    vi.resetModules();
    Object.defineProperty(process, 'getBuiltinModule', { value: undefined, configurable: true });
    try {
      const web = await import('./crypto.js');
      expect(web.cryptoBackend).toBe('web');
      expect(await web.sha256('abc')).toBe('ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0');
      expect(hex(await web.hmacSha256('Jefe', 'what do ya want for nothing?'))).toBe(
        '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
      );
      expect(web.randomToken()).toMatch(/^[A-Za-z0-9_-]{43}$/);
    } finally {
      Object.defineProperty(process, 'getBuiltinModule', { value: original, configurable: true });
      vi.resetModules();
    }
  });
});
