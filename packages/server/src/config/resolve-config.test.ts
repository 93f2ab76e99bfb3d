import { describe, expect, it } from 'vitest';
import { memoryStore } from '../stores/memory/memory-store.js';
import type { LatchkeyConfig } from './latchkey-config.js';
import { resolveConfig } from './resolve-config.js';

const base: LatchkeyConfig = {
  rpName: 'Acme',
  origins: ['https://acme.example'],
  store: memoryStore(),
};

describe('resolveConfig', () => {
  it('fills in production defaults', () => {
    const c = resolveConfig(base);
    expect(c).toMatchObject({
      basePath: '/auth',
      signUp: 'open',
      userVerification: 'required',
      session: {
        ttl: 2_592_000,
        idleTtl: 604_800,
        secure: 'auto',
        elevationTtl: 300,
        cookieName: null,
        cache: { ttl: 2_000, max: 10_000 },
      },
      rateLimit: { window: 60, perIp: 30, perAccount: 10 },
      trustProxy: false,
      revokeSessionsWithPasskey: true,
    });
    expect(c.rpIdFor('https://acme.example')).toBe('acme.example');
    expect(c.rpIdFor('https://app.alice.ts.net')).toBe('alice.ts.net');
    expect([...c.webOrigins]).toEqual(['https://acme.example']);
  });

  it('normalises origins and keeps android ones out of the web allow-list', () => {
    const c = resolveConfig({
      ...base,
      origins: [
        'https://ACME.example:443/',
        'android:apk-key-hash:kDs2W1hL0sFJ6Zl-HAdWPr0BG4s0w-8YUSfwJnHH6ms',
      ],
    });
    expect(c.origins).toEqual([
      'https://acme.example',
      'android:apk-key-hash:kDs2W1hL0sFJ6Zl-HAdWPr0BG4s0w-8YUSfwJnHH6ms',
    ]);
    expect([...c.webOrigins]).toEqual(['https://acme.example']);
  });

  it('takes an apk-key-hash in standard base64 or keytool hex, as Android sends it', () => {
    // One SHA-256 three ways: base64url (what Android writes into clientDataJSON),
    // base64 with padding (many guides), and keytool's "SHA256:" fingerprint.
    const hash = Buffer.from('kDs2W1hL0sFJ6Zl-HAdWPr0BG4s0w-8YUSfwJnHH6ms', 'base64url');
    const android = `android:apk-key-hash:${hash.toString('base64url')}`;
    const hex = [...hash].map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join(':');
    for (const written of [hash.toString('base64'), hex]) {
      expect(written).not.toBe(hash.toString('base64url'));
      const c = resolveConfig({ ...base, origins: [`android:apk-key-hash:${written}`] });
      expect(c.origins).toEqual([android]);
    }
  });

  it('reads session.cache in seconds, and turns it off with false', () => {
    expect(
      resolveConfig({ ...base, session: { cache: { ttl: 0.5, max: 10 } } }).session.cache,
    ).toEqual({ ttl: 500, max: 10 });
    expect(resolveConfig({ ...base, session: { cache: false } }).session.cache).toBeNull();
  });

  const wrong: [string, Partial<Record<keyof LatchkeyConfig, unknown>>][] = [
    ['rpName', { rpName: '' }],
    ['origins', { origins: [] }],
    ['origins[0]', { origins: ['acme.example'] }],
    ['origins[1]', { origins: ['https://acme.example', 'https://acme.example/path'] }],
    ['origins[0]', { origins: ['ftp://acme.example'] }],
    ['origins[0]', { origins: ['android:apk-key-hash:'] }],
    // 24 bytes, not a SHA-256; and a SHA-256 whose last character carries stray bits.
    ['origins[0]', { origins: ['android:apk-key-hash:abcdefghijklmnopqrstuvwxyz012345'] }],
    [
      'origins[0]',
      { origins: ['android:apk-key-hash:kDs2W1hL0sFJ6Zl-HAdWPr0BG4s0w-8YUSfwJnHH6mt'] },
    ],
    ['rpID', { rpID: 'https://acme.example' }],
    ['rpID', { rpID: 42 }],
    ['basePath', { basePath: 'auth' }],
    ['signUp', { signUp: 'maybe' }],
    ['identify', { identify: 'app-session' }],
    ['userVerification', { userVerification: 'discouraged' }],
    ['session.ttl', { session: { ttl: -1 } }],
    ['session.cookieName', { session: { cookieName: 'bad name;' } }],
    ['session.secure', { session: { secure: 'yes' } }],
    ['session.cache', { session: { cache: true } }],
    // The bound on staleness must stay short.
    ['session.cache.ttl', { session: { cache: { ttl: 61 } } }],
    ['session.cache.max', { session: { cache: { max: 1.5 } } }],
    ['rateLimit.perIp', { rateLimit: { perIp: 0 } }],
    ['rateLimit', { rateLimit: 'off' }],
    ['hooks.onEvent', { hooks: { onEvent: 'log' } }],
    ['secret', { secret: 'short' }],
    ['store', { store: {} }],
  ];
  for (const [field, patch] of wrong) {
    it(`throws a TypeError naming ${field}`, () => {
      expect(() => resolveConfig({ ...base, ...patch } as LatchkeyConfig)).toThrow(TypeError);
      expect(() => resolveConfig({ ...base, ...patch } as LatchkeyConfig)).toThrow(
        `config.${field} `,
      );
    });
  }
});
