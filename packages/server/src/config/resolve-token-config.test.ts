import { describe, expect, it } from 'vitest';
import { memoryStore } from '../stores/memory/memory-store.js';
import type { LatchkeyConfig } from './latchkey-config.js';
import { resolveConfig } from './resolve-config.js';

const base: LatchkeyConfig = {
  rpName: 'Acme',
  origins: ['https://acme.example'],
  store: memoryStore(),
};

describe('resolveConfig: tokens, jwt, relatedOrigins, deviceFlow', () => {
  it('fills in defaults', () => {
    const c = resolveConfig(base);
    expect(c.tokens).toEqual({ maxTtl: 7_776_000, scopes: [] });
    expect(c.jwt).toEqual({ alg: 'EdDSA', ttl: 900 });
    expect(c.relatedOrigins).toEqual([]);
    expect(c.deviceFlow).toEqual({ verificationUri: null, interval: 5 });
  });

  it('keeps valid settings, normalised', () => {
    const c = resolveConfig({
      ...base,
      tokens: { maxTtl: 3600, scopes: ['notes:write', 'read', 'notes:write', 'files.read'] },
      jwt: { alg: 'ES256', ttl: 600 },
      relatedOrigins: ['https://ACME.co.uk:443/', 'https://acme.co.uk', 'http://localhost:8080'],
      deviceFlow: { verificationUri: 'https://acme.example/activate', interval: 2 },
    });
    expect(c.tokens).toEqual({ maxTtl: 3600, scopes: ['notes:write', 'files.read'] });
    expect(c.jwt).toEqual({ alg: 'ES256', ttl: 600 });
    expect(c.relatedOrigins).toEqual(['https://acme.co.uk', 'http://localhost:8080']);
    expect(c.deviceFlow).toEqual({ verificationUri: 'https://acme.example/activate', interval: 2 });
  });

  const wrong: [string, Partial<Record<keyof LatchkeyConfig, unknown>>][] = [
    ['tokens', { tokens: 'yes' }],
    ['tokens.maxTtl', { tokens: { maxTtl: 0 } }],
    ['tokens.maxTtl', { tokens: { maxTtl: 1.5 } }],
    ['tokens.scopes', { tokens: { scopes: 'read' } }],
    ['tokens.scopes[0]', { tokens: { scopes: ['Notes'] } }],
    ['tokens.scopes[1]', { tokens: { scopes: ['ok', 'has space'] } }],
    ['jwt', { jwt: [] }],
    ['jwt.alg', { jwt: { alg: 'HS256' } }],
    ['jwt.ttl', { jwt: { ttl: -1 } }],
    ['relatedOrigins', { relatedOrigins: 'https://a.example' }],
    ['relatedOrigins[0]', { relatedOrigins: ['a.example'] }],
    ['relatedOrigins[1]', { relatedOrigins: ['https://a.example', 'https://b.example/path'] }],
    ['relatedOrigins[0]', { relatedOrigins: ['ftp://a.example'] }],
    ['deviceFlow', { deviceFlow: 5 }],
    ['deviceFlow.verificationUri', { deviceFlow: { verificationUri: '/device' } }],
    ['deviceFlow.verificationUri', { deviceFlow: { verificationUri: 'javascript:alert(1)' } }],
    ['deviceFlow.interval', { deviceFlow: { interval: 0 } }],
    ['deviceFlow.interval', { deviceFlow: { interval: 61 } }],
  ];
  it.each(wrong)('names %s in the TypeError', (field, patch) => {
    expect(() => resolveConfig({ ...base, ...patch } as LatchkeyConfig)).toThrow(
      new RegExp(`^createLatchkey: config\\.${field.replace(/[.[\]]/g, '\\$&')} `),
    );
    expect(() => resolveConfig({ ...base, ...patch } as LatchkeyConfig)).toThrow(TypeError);
  });
});
