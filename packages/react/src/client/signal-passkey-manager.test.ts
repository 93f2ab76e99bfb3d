import { afterEach, describe, expect, it } from 'vitest';
import { type FakeWebAuthn, installFakeWebAuthn } from '../testing/fake-webauthn.js';
import { signalPasskeyManager } from './signal-passkey-manager.js';

let webauthn: FakeWebAuthn | undefined;
afterEach(() => webauthn?.uninstall());

describe('signalPasskeyManager', () => {
  it('sends every signal it has the facts for, where the browser supports them', async () => {
    webauthn = installFakeWebAuthn({ signals: true });
    const sent = await signalPasskeyManager({
      rpId: 'example.com',
      userHandle: 'aGFuZGxl',
      acceptedCredentialIds: ['Y3JlZC0x'],
      removed: 'Y3JlZC0y',
      user: { name: 'ada@example.com', displayName: 'Ada Lovelace' },
    });
    expect(sent).toEqual(['unknownCredential', 'allAcceptedCredentials', 'currentUserDetails']);
    expect(webauthn.signals).toEqual([
      {
        name: 'signalUnknownCredential',
        options: { rpId: 'example.com', credentialId: 'Y3JlZC0y' },
      },
      {
        name: 'signalAllAcceptedCredentials',
        options: {
          rpId: 'example.com',
          userId: 'aGFuZGxl',
          allAcceptedCredentialIds: ['Y3JlZC0x'],
        },
      },
      {
        name: 'signalCurrentUserDetails',
        options: {
          rpId: 'example.com',
          userId: 'aGFuZGxl',
          name: 'ada@example.com',
          displayName: 'Ada Lovelace',
        },
      },
    ]);
  });

  it('skips the signals that need a user handle when it is unknown', async () => {
    webauthn = installFakeWebAuthn({ signals: true });
    const sent = await signalPasskeyManager({
      rpId: 'example.com',
      userHandle: null,
      acceptedCredentialIds: ['Y3JlZC0x'],
      removed: 'Y3JlZC0y',
    });
    expect(sent).toEqual(['unknownCredential']);
  });

  it('is silent where the Signal API is missing', async () => {
    webauthn = installFakeWebAuthn({ signals: false });
    await expect(
      signalPasskeyManager({
        rpId: 'example.com',
        userHandle: 'aGFuZGxl',
        acceptedCredentialIds: [],
        removed: 'eA',
      }),
    ).resolves.toEqual([]);
  });

  it('is silent without WebAuthn at all', async () => {
    webauthn = installFakeWebAuthn({ supported: false });
    await expect(signalPasskeyManager({ rpId: 'example.com', removed: 'eA' })).resolves.toEqual([]);
  });

  it('swallows a rejected signal and reports it as not sent', async () => {
    webauthn = installFakeWebAuthn({ signals: true });
    const pkc = globalThis.PublicKeyCredential as unknown as Record<string, unknown>;
    pkc.signalUnknownCredential = () => Promise.reject(new DOMException('bad rp', 'SecurityError'));
    await expect(signalPasskeyManager({ rpId: 'evil.example', removed: 'eA' })).resolves.toEqual(
      [],
    );
  });
});
