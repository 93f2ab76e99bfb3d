import { base64urlEncode } from '@latchkey/core';
import { afterEach, describe, expect, it } from 'vitest';
import { installFakeWebAuthn } from '../testing/fake-webauthn.js';
import {
  clientExtensionResultsJSON,
  withAppExtensionResults,
  withoutPrfEval,
} from './client-extension-results.js';
import { createPasskeyCredential } from './create-passkey-credential.js';
import { getPasskeyAssertion } from './get-passkey-assertion.js';

let uninstall: (() => void) | null = null;
afterEach(() => {
  uninstall?.();
  uninstall = null;
});

const salt = base64urlEncode(new Uint8Array(32).fill(7));
const challenge = base64urlEncode(new Uint8Array(32).fill(1));
const signal = new AbortController().signal;

describe('strip prf from server-supplied extensions outside the PRF ceremonies', () => {
  it('sign-in and registration never ask the authenticator to evaluate PRF', async () => {
    const webauthn = installFakeWebAuthn({
      credentials: [{ id: 'Y3JlZA', userHandle: 'dXNlcg', rpId: 'localhost' }],
    });
    uninstall = () => webauthn.uninstall();
    const prf = { eval: { first: salt } };
    await getPasskeyAssertion({ challenge, rpId: 'localhost', extensions: { prf } } as never, {
      mediation: 'modal',
      signal,
    });
    await createPasskeyCredential(
      {
        challenge,
        rp: { id: 'localhost', name: 'Example' },
        user: { id: 'dXNlcg', name: 'ada@example.com', displayName: 'Ada' },
        pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
        extensions: { credProps: true, prf },
      } as never,
      { signal },
    );
    const [get, create] = webauthn.requests.map((r) => r.publicKey.extensions);
    expect(get).toEqual({ prf: {} });
    expect(create).toEqual({ credProps: true, prf: {} });
  });

  it('never puts a PRF output into the JSON for the server', () => {
    const output = new Uint8Array(32).fill(9);
    expect(
      clientExtensionResultsJSON({ prf: { enabled: true, results: { first: output } } }),
    ).toEqual({ prf: { enabled: true } });
    expect(withoutPrfEval(undefined)).toBeUndefined();
    expect(withoutPrfEval({ credProps: true })).toEqual({ credProps: true });
  });
});

describe('withAppExtensionResults (registration)', () => {
  it('keeps the app’s own extension outputs as JSON, and never PRF results', () => {
    const results = {
      credProps: { rk: true, extra: 1 },
      prf: { enabled: true, results: { first: new Uint8Array([1, 2, 3]).buffer } },
      largeBlob: { supported: true, blob: new Uint8Array([255, 0]) },
      credBlob: true,
    };
    expect(clientExtensionResultsJSON(results)).toEqual({
      credProps: { rk: true },
      prf: { enabled: true },
    });
    expect(withAppExtensionResults(results)).toEqual({
      credProps: { rk: true },
      prf: { enabled: true },
      largeBlob: { supported: true, blob: base64urlEncode(new Uint8Array([255, 0])) },
      credBlob: true,
    });
  });
});
