import { base64urlDecode } from '@latchkey/core';
import { verifyAuthenticationResponse } from '@simplewebauthn/server';
import { describe, expect, it } from 'vitest';
import { createTestServer } from '../../test/harness.js';
import { resolveConfig } from '../config/resolve-config.js';
import { memoryStore } from '../stores/memory/memory-store.js';
import { createAssertionVerifier } from './assertion-verifier.js';
import { checkAuthenticatorFlags, checkClientDataType, checkOrigin } from './ceremony-checks.js';

/**
 * Real responses of an Android app through Google Play services' FIDO2 API
 * (`com.fido.example.fido2apiexample` against try-webauthn.appspot.com), as
 * published in SimpleWebAuthn's test suite (MIT, packages/server/src/
 * {registration/verifyRegistrationResponse,authentication/verifyAuthenticationResponse}.test.ts,
 * "should return authenticator extension output"). Their clientDataJSON names
 * `android:apk-key-hash:…` and `androidPackageName`; their authenticator data
 * carries the ED flag and a `devicePubKey` extension; the assertion's
 * signature is DER ECDSA P-256 and its `userHandle` padded standard base64.
 *
 * The assertion's signature does not verify under any key the corpus gives
 * (its stored `publicKey` belongs to another credential, and the registration
 * above made another key): SimpleWebAuthn's own verdict is `verified: false`,
 * and its test asserts only the extension output. So the registration is the
 * end-to-end proof here, and the assertion proves its shape passes the checks.
 */
const ANDROID_ORIGIN = 'android:apk-key-hash:gx7sq_pxhxhrIQdLyfG0pxKwiJ7hOk2DJQ4xvKd438Q';
const RP_ID = 'try-webauthn.appspot.com';
const CHALLENGE = 'iZsVCztrDW7D2U_GHCIlYKLwV2bCsBTRqVQUnJXn9Tk';
const PUBLIC_KEY =
  'pQECAyYgASFYILTrxTUQv3X4DRM6L_pk65FSMebenhCx3RMsTKoBm-AxIlggEf3qk5552QLNSh1T1oQs7_2C2qysDwN4r4fCp52Hsqs';
const RESPONSE = {
  id: 'E_Pko4wN1BXE23S0ftN3eQ',
  rawId: 'E_Pko4wN1BXE23S0ftN3eQ',
  type: 'public-key' as const,
  clientExtensionResults: {},
  response: {
    clientDataJSON:
      'eyJ0eXBlIjoid2ViYXV0aG4uZ2V0IiwiY2hhbGxlbmdlIjoiaVpzVkN6dHJEVzdEMlVfR0hDSWxZS0x3VjJiQ3NCVFJxVlFVbkpYbjlUayIsIm9yaWdpbiI6ImFuZHJvaWQ6YXBrLWtleS1oYXNoOmd4N3NxX3B4aHhocklRZEx5ZkcwcHhLd2lKN2hPazJESlE0eHZLZDQzOFEiLCJhbmRyb2lkUGFja2FnZU5hbWUiOiJjb20uZmlkby5leGFtcGxlLmZpZG8yYXBpZXhhbXBsZSJ9',
    authenticatorData:
      'DXX8xWP9p3nbLjQ-6kiYiHWLeFSdSTpP2-oc2WqjHMSFAAAAAKFsZGV2aWNlUHViS2V5pWNkcGtYTaUBAgMmIAEhWCCZGqvtneQnGp7erYgG-dyW1tzNDEdiU6VRBInsg3m-WyJYIKCXPP3tu3nif-9O50gWc_szElBN3KVDTP0jQx1q0p7aY3NpZ1hHMEUCIElSbNKK72tOYhp9WTbStQSVL8CuIxOk8DV6r_-uqWR0AiEAnVE6yu-wsyx2Wq5v66jClGhe_2P_HL8R7PIQevT-uPhlbm9uY2VAZXNjb3BlQQBmYWFndWlkULk_2WHy5kYvsSKCACJH3ng',
    signature:
      'MEYCIQDlRuxY7cYre0sb3T6TovQdfYIUb72cRZYOQv_zS9wN_wIhAOvN-fwjtyIhWRceqJV4SX74-z6oALERbC7ohk8EdVPO',
    userHandle: 'b2FPajFxcmM4MWo3QkFFel9RN2lEakh5RVNlU2RLNDF0Sl92eHpQYWV5UQ==',
  },
};

const REGISTRATION = {
  id: 'E_Pko4wN1BXE23S0ftN3eQ',
  rawId: 'E_Pko4wN1BXE23S0ftN3eQ',
  type: 'public-key' as const,
  clientExtensionResults: {},
  response: {
    attestationObject:
      'o2NmbXRkbm9uZWdhdHRTdG10oGhhdXRoRGF0YVkBag11_MVj_ad52y40PupImIh1i3hUnUk6T9vqHNlqoxzExQAAAAAAAAAAAAAAAAAAAAAAAAAAABAT8-SjjA3UFcTbdLR-03d5pQECAyYgASFYIJIkX8fs9wjKUv5HWBUop--6ig4Szsxj8gBgJJmaX-_5IlggJ5XVdjUfCMlVlUZuHJRxCLFLzZCeK8Fg3l6OLfAIHnKhbGRldmljZVB1YktleaVjZHBrWE2lAQIDJiABIVggmRqr7Z3kJxqe3q2IBvncltbczQxHYlOlUQSJ7IN5vlsiWCCglzz97bt54n_vTudIFnP7MxJQTdylQ0z9I0MdatKe2mNzaWdYRzBFAiEA77OAdL0VuMgs8J-H-8b7PHFp6k8YBrfpCTc3QwI0W3oCICtxEwQHMaDnJ9M41IVChjzmWICqeeXqdArIzNlDR5iOZW5vbmNlQGVzY29wZUEAZmFhZ3VpZFAAAAAAAAAAAAAAAAAAAAAA',
    clientDataJSON:
      'eyJ0eXBlIjoid2ViYXV0aG4uY3JlYXRlIiwiY2hhbGxlbmdlIjoiQXJrcmxfRnhfTXZjSl9lSXFDVFE3LXRiRVNJU1IxNC1weVBSaDBLLTFBOCIsIm9yaWdpbiI6ImFuZHJvaWQ6YXBrLWtleS1oYXNoOmd4N3NxX3B4aHhocklRZEx5ZkcwcHhLd2lKN2hPazJESlE0eHZLZDQzOFEiLCJhbmRyb2lkUGFja2FnZU5hbWUiOiJjb20uZmlkby5leGFtcGxlLmZpZG8yYXBpZXhhbXBsZSJ9',
    transports: [],
  },
};
const REGISTRATION_CHALLENGE = 'Arkrl_Fx_MvcJ_eIqCTQ7-tbESISR14-pyPRh0K-1A8';

function assertion(response = RESPONSE, expectedOrigin: string[] = [ANDROID_ORIGIN]) {
  return {
    response,
    expectedChallenge: CHALLENGE,
    expectedOrigin,
    expectedRPID: RP_ID,
    requireUserVerification: true,
    credential: { id: RESPONSE.id, publicKey: base64urlDecode(PUBLIC_KEY), counter: 0 },
  };
}

describe("a captured Android app's assertion", () => {
  const base = {
    rpName: 'Try WebAuthn',
    rpID: RP_ID,
    origins: [`https://${RP_ID}`, ANDROID_ORIGIN],
    store: memoryStore(),
    secret: 'test-secret-test-secret-test-secret-0123',
  };
  const config = resolveConfig(base);

  it('passes the ceremony checks on the native path: type, native origin, RP ID and flags', async () => {
    const clientData = checkClientDataType(RESPONSE.response.clientDataJSON, 'webauthn.get');
    expect(clientData.challenge).toBe(CHALLENGE);
    // A challenge asked for with Latchkey-Pre-Session takes this signed origin…
    expect(() => checkOrigin(clientData, config, { binding: 'native:x' })).not.toThrow();
    const authData = base64urlDecode(RESPONSE.response.authenticatorData);
    await expect(
      checkAuthenticatorFlags(
        {
          rpIdHash: authData.slice(0, 32),
          userPresent: (authData[32]! & 1) === 1,
          userVerified: (authData[32]! & 4) === 4,
        },
        RP_ID,
        config,
      ),
    ).resolves.toBeUndefined();
    // …and an unlisted app's origin is refused whatever the path.
    const other = resolveConfig({ ...base, origins: [`https://${RP_ID}`] });
    expect(() => checkOrigin(clientData, other, { binding: 'pre:x' })).toThrow(
      expect.objectContaining({ code: 'ORIGIN_MISMATCH' }),
    );
  });

  it("parses the assertion's shape and gives SimpleWebAuthn's verdict on it", async () => {
    const verifier = createAssertionVerifier();
    const theirs = await verifyAuthenticationResponse(
      assertion() as Parameters<typeof verifyAuthenticationResponse>[0],
    );
    const ours = await verifier.verify(assertion());
    expect(ours).toEqual(theirs);
    expect(ours.authenticationInfo.userVerified).toBe(true);
    expect(ours.authenticationInfo.origin).toBe(ANDROID_ORIGIN);
    await expect(verifier.verify(assertion(RESPONSE, [`https://${RP_ID}`]))).rejects.toThrow(
      /origin/,
    );
  });

  it('finishes a sign-up with the captured registration on the native path', async () => {
    const server = createTestServer({
      origins: [`https://${RP_ID}`, ANDROID_ORIGIN],
      rpID: RP_ID,
    });
    const call = (path: string, body: unknown, pre: string) =>
      server.latchkey.handler(
        new Request(`https://${RP_ID}/auth/passkeys/${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'latchkey-pre-session': pre },
          body: JSON.stringify(body),
        }),
        { remoteAddress: '203.0.113.9' },
      );
    const options = await call('register-options', { email: 'ada@example.com' }, 'new');
    const pre = options.headers.get('latchkey-pre-session')!;
    // The app answered a challenge of its own day: give the issued one its value.
    const issued = ((await options.json()) as { options: { challenge: string } }).options.challenge;
    const record = (await server.store.consumeChallenge(issued, server.clock.now))!;
    await server.store.putChallenge({ ...record, challenge: REGISTRATION_CHALLENGE });

    const res = await call('register', { response: REGISTRATION }, pre);
    expect(res.status).toBe(201);
    expect(res.headers.get('latchkey-session-token')).toMatch(/^lks_/);
    expect(res.headers.getSetCookie()).toEqual([]);
    const { passkey } = (await res.json()) as { passkey: { credentialId: string } };
    expect(passkey.credentialId).toBe(REGISTRATION.id);
  });
});
