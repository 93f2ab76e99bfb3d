import { describe, expect, it } from 'vitest';
import { defaultRpId, isRpIdValidForOrigin, tailnetRpId } from './resolve-rp-id.js';

describe('RP IDs', () => {
  it('collapses *.ts.net hosts to the tailnet parent', () => {
    expect(tailnetRpId('app.alice.ts.net')).toBe('alice.ts.net');
    expect(tailnetRpId('deep.app.alice.ts.net')).toBe('alice.ts.net');
    expect(tailnetRpId('alice.ts.net')).toBe('alice.ts.net');
    expect(tailnetRpId('APP.Alice.TS.NET.')).toBe('alice.ts.net');
    expect(tailnetRpId('ts.net')).toBeNull();
    expect(tailnetRpId('evil-ts.net')).toBeNull();
    expect(tailnetRpId('example.com')).toBeNull();
  });

  it('uses the host name otherwise, without port or brackets', () => {
    expect(defaultRpId('http://localhost:3000')).toBe('localhost');
    expect(defaultRpId('http://192.168.1.20:8080')).toBe('192.168.1.20');
    expect(defaultRpId('http://[::1]:3000')).toBe('::1');
    expect(defaultRpId('https://pluma.alice.ts.net')).toBe('alice.ts.net');
  });

  it('accepts an RP ID that is the host or a parent domain at a label boundary', () => {
    expect(isRpIdValidForOrigin('alice.ts.net', 'https://app.alice.ts.net')).toBe(true);
    expect(isRpIdValidForOrigin('example.com', 'https://example.com')).toBe(true);
    expect(isRpIdValidForOrigin('ample.com', 'https://example.com')).toBe(false);
    expect(isRpIdValidForOrigin('other.com', 'https://example.com')).toBe(false);
  });
});
