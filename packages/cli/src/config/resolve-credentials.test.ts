import { describe, expect, it } from 'vitest';
import { normaliseBaseUrl } from './resolve-credentials.js';
import { tokenIdOf } from './token-id-of.js';

describe('normaliseBaseUrl', () => {
  it('adds the default /auth to a bare origin and keeps an explicit path', () => {
    expect(normaliseBaseUrl('http://localhost:3000')).toBe('http://localhost:3000/auth');
    expect(normaliseBaseUrl('https://app.example/')).toBe('https://app.example/auth');
    expect(normaliseBaseUrl('https://app.example/api/auth/')).toBe('https://app.example/api/auth');
  });

  it('refuses what is not an http(s) URL without credentials, query or fragment', () => {
    for (const bad of [
      'app.example',
      'ftp://app.example',
      'https://u:p@app.example',
      'https://a.example/?x=1',
      'https://a.example/#f',
    ]) {
      expect(() => normaliseBaseUrl(bad)).toThrow(
        expect.objectContaining({ code: 'USAGE', exitCode: 2 }),
      );
    }
  });
});

describe('tokenIdOf', () => {
  it('reads the public id out of a Latchkey token, and nothing out of other text', () => {
    expect(tokenIdOf(`lk_${'a_b-'.repeat(4)}_${'x'.repeat(43)}`)).toBe('a_b-'.repeat(4));
    expect(tokenIdOf(`lk_${'a'.repeat(15)}_${'x'.repeat(43)}`)).toBeNull();
    expect(tokenIdOf('ghp_something')).toBeNull();
  });
});
