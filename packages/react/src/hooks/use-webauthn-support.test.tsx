import { renderHook, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeWebAuthn, installFakeWebAuthn } from '../testing/fake-webauthn.js';
import { useWebAuthnSupport } from './use-webauthn-support.js';

let webauthn: FakeWebAuthn | undefined;
afterEach(() => webauthn?.uninstall());

describe('useWebAuthnSupport', () => {
  it('starts checking, then reports every capability', async () => {
    webauthn = installFakeWebAuthn();
    const { result } = renderHook(() => useWebAuthnSupport());
    expect(result.current.status).toBe('checking');
    await waitFor(() => expect(result.current.status).toBe('ready'));
    expect(result.current).toEqual({
      status: 'ready',
      webauthn: true,
      platformAuthenticator: true,
      conditionalMediation: true,
    });
  });

  it('reports a browser without a platform authenticator or autofill', async () => {
    webauthn = installFakeWebAuthn({ platformAuthenticator: false, conditionalMediation: false });
    const { result } = renderHook(() => useWebAuthnSupport());
    await waitFor(() => expect(result.current.status).toBe('ready'));
    expect(result.current).toMatchObject({
      webauthn: true,
      platformAuthenticator: false,
      conditionalMediation: false,
    });
  });

  it('reports a browser without WebAuthn', async () => {
    webauthn = installFakeWebAuthn({ supported: false });
    const { result } = renderHook(() => useWebAuthnSupport());
    await waitFor(() => expect(result.current.status).toBe('ready'));
    expect(result.current.webauthn).toBe(false);
  });

  it('treats a failing check as unsupported', async () => {
    webauthn = installFakeWebAuthn();
    const pkc = globalThis.PublicKeyCredential as unknown as Record<string, unknown>;
    pkc.isConditionalMediationAvailable = () => Promise.reject(new Error('boom'));
    const { result } = renderHook(() => useWebAuthnSupport());
    await waitFor(() => expect(result.current.status).toBe('ready'));
    expect(result.current).toMatchObject({
      webauthn: true,
      platformAuthenticator: true,
      conditionalMediation: false,
    });
  });
});
