import { describe, expect, it } from 'vitest';
import { localReturnPath } from './return-path.js';

describe('localReturnPath', () => {
  it('keeps a path of this site with its query and fragment', () => {
    expect(localReturnPath('/device?user_code=WDJB-MJHT')).toBe('/device?user_code=WDJB-MJHT');
    expect(localReturnPath('/')).toBe('/');
    expect(localReturnPath('/settings#passkeys')).toBe('/settings#passkeys');
  });

  it.each([
    null,
    undefined,
    '',
    'https://evil.example',
    'evil.example',
    '//evil.example',
    '/\\evil.example',
    '/\t/evil.example',
    '/\n/evil.example',
    '/\r/evil.example',
    ' /evil',
    '/ /evil.example',
    'javascript:alert(1)',
    '/\u0000/evil.example',
  ])('refuses %j, which a browser may read as another site', (next) => {
    expect(localReturnPath(next)).toBeNull();
  });

  it('agrees with the browser: what it keeps resolves to this origin', () => {
    const base = 'https://app.example/sign-in';
    for (const next of ['/a', '/a/b?c=d', '/%2F%2Fevil.example', '/a//b']) {
      const kept = localReturnPath(next);
      expect(kept).toBe(next);
      expect(new URL(kept!, base).origin).toBe('https://app.example');
    }
  });
});
