import { afterEach, describe, expect, it } from 'vitest';
import { installFakeWebAuthn } from '../../testing/fake-webauthn.js';
import { detectPrfSupport } from './detect-prf-support.js';

let uninstall: (() => void) | null = null;
afterEach(() => {
  uninstall?.();
  uninstall = null;
});

function withCapabilities(answer: (() => Promise<Record<string, boolean>>) | undefined) {
  const fake = installFakeWebAuthn();
  uninstall = () => fake.uninstall();
  (globalThis.PublicKeyCredential as unknown as Record<string, unknown>).getClientCapabilities =
    answer;
}

describe('detectPrfSupport', () => {
  it('reads extension:prf from getClientCapabilities (WebAuthn L3 §5.1.7)', async () => {
    withCapabilities(async () => ({ 'extension:prf': true, conditionalGet: true }));
    expect(await detectPrfSupport()).toBe('available');
    withCapabilities(async () => ({ 'extension:prf': false }));
    expect(await detectPrfSupport()).toBe('unavailable');
  });

  it('cannot tell without getClientCapabilities, or when it fails or is silent', async () => {
    withCapabilities(undefined);
    expect(await detectPrfSupport()).toBe('unknown');
    withCapabilities(() => Promise.reject(new Error('nope')));
    expect(await detectPrfSupport()).toBe('unknown');
    withCapabilities(async () => ({ conditionalGet: true }));
    expect(await detectPrfSupport()).toBe('unknown');
  });

  it('is unavailable without WebAuthn', async () => {
    const fake = installFakeWebAuthn({ supported: false });
    uninstall = () => fake.uninstall();
    expect(await detectPrfSupport()).toBe('unavailable');
  });
});
