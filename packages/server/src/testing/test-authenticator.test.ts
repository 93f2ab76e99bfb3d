import {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@latchkey/core';
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type WebAuthnCredential,
} from '@simplewebauthn/server';
import { describe, expect, it } from 'vitest';
import {
  createTestAuthenticator,
  type TestAuthenticationResponse,
  type TestAuthenticator,
  type TestAuthenticatorOptions,
} from './index.js';

const RP_ID = 'app.example';
const ORIGIN = 'https://app.example';

// Options come from SimpleWebAuthn's generators and pass through core's schemas,
// as they would on the wire.
async function creationOptions(
  userName: string,
  extra: Partial<Parameters<typeof generateRegistrationOptions>[0]> = {},
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const options = await generateRegistrationOptions({
    rpName: 'App',
    rpID: RP_ID,
    userName,
    attestationType: 'none',
    authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
    ...extra,
  });
  return PublicKeyCredentialCreationOptionsJSON.parse(options);
}

async function requestOptions(
  allowCredentials?: { id: string }[],
): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const options = await generateAuthenticationOptions({
    rpID: RP_ID,
    userVerification: 'required',
    allowCredentials,
  });
  return PublicKeyCredentialRequestOptionsJSON.parse(options);
}

async function enrol(authenticator: TestAuthenticator, userName = 'alice@app.example') {
  const options = await creationOptions(userName);
  const response = await authenticator.register(options);
  const verification = await verifyRegistrationResponse({
    response,
    expectedChallenge: options.challenge,
    expectedOrigin: ORIGIN,
    expectedRPID: RP_ID,
  });
  if (!verification.verified) throw new Error('registration did not verify');
  return { options, response, credential: verification.registrationInfo.credential, verification };
}

function verifyAssertion(
  response: TestAuthenticationResponse,
  challenge: string,
  credential: WebAuthnCredential,
  extra: Partial<Parameters<typeof verifyAuthenticationResponse>[0]> = {},
) {
  return verifyAuthenticationResponse({
    response,
    expectedChallenge: challenge,
    expectedOrigin: ORIGIN,
    expectedRPID: RP_ID,
    credential,
    requireUserVerification: true,
    ...extra,
  });
}

function authenticator(options: TestAuthenticatorOptions = {}) {
  return createTestAuthenticator({ origin: ORIGIN, ...options });
}

describe('createTestAuthenticator: registration', () => {
  it('answers with a none attestation that SimpleWebAuthn verifies', async () => {
    const auth = authenticator({ aaguid: 'adce0002-35bc-c60a-648b-0b25f1f05503' });
    const { options, response, verification } = await enrol(auth);

    expect(verification.verified).toBe(true);
    const info = verification.registrationInfo;
    expect(info.fmt).toBe('none');
    expect(info.aaguid).toBe('adce0002-35bc-c60a-648b-0b25f1f05503');
    expect(info.userVerified).toBe(true);
    expect(info.credential.id).toBe(response.id);
    expect(info.credential.counter).toBe(0);
    expect(info.credentialDeviceType).toBe('singleDevice');
    expect(info.credentialBackedUp).toBe(false);
    expect(info.origin).toBe(ORIGIN);
    expect(info.rpID).toBe(RP_ID);

    expect(response.rawId).toBe(response.id);
    expect(response.response.transports).toEqual(['internal']);
    expect(response.response.publicKeyAlgorithm).toBe(-7);
    expect(response.authenticatorAttachment).toBe('platform');
    // The wire schema of core accepts it as the browser's output.
    expect(RegistrationResponseJSON.safeParse(response).success).toBe(true);

    expect(auth.credentials).toEqual([
      { id: response.id, rpId: RP_ID, userHandle: options.user.id, counter: 0 },
    ]);
  });

  it('reports the SPKI public key that matches the COSE key in the attestation', async () => {
    const auth = authenticator();
    const { response, credential } = await enrol(auth);
    const spki = Buffer.from(response.response.publicKey ?? '', 'base64url');
    const key = await crypto.subtle.importKey(
      'spki',
      spki,
      { name: 'ECDSA', namedCurve: 'P-256' },
      true,
      ['verify'],
    );
    const jwk = await crypto.subtle.exportKey('jwk', key);
    // COSE EC2 key: -2 is x, -3 is y (RFC 9053 §7.1.1); both are 32-byte strings after a 0x58 0x20 head.
    const cose = Buffer.from(credential.publicKey);
    const x = cose.subarray(cose.indexOf(Buffer.from([0x21, 0x58, 0x20])) + 3).subarray(0, 32);
    expect(x.toString('base64url')).toBe(jwk.x);
  });

  it('reports credProps when the options ask for it', async () => {
    const auth = authenticator();
    const options = await creationOptions('bob@app.example', { extensions: { credProps: true } });
    const response = await auth.register(options);
    expect(response.clientExtensionResults).toEqual({ credProps: { rk: true } });
    // SimpleWebAuthn asks for credProps by default; leave the extensions out.
    const { extensions: _, ...withoutExtensions } = await creationOptions('carol@app.example');
    const plain = await auth.register(withoutExtensions);
    expect(plain.clientExtensionResults).toEqual({});
  });

  it('throws InvalidStateError when excludeCredentials lists a credential it holds', async () => {
    const auth = authenticator();
    const { response } = await enrol(auth);
    const options = await creationOptions('alice@app.example', {
      excludeCredentials: [{ id: 'AAAA' }, { id: response.id }],
    });
    await expect(auth.register(options)).rejects.toMatchObject({ name: 'InvalidStateError' });
    expect(auth.credentials).toHaveLength(1);

    // Another authenticator does not hold it, so it may enrol.
    const other = authenticator();
    const second = await other.register(options);
    expect(second.id).not.toBe(response.id);
  });

  it('overwrites a resident credential for the same RP ID and user handle', async () => {
    const auth = authenticator();
    const options = await creationOptions('alice@app.example');
    const first = await auth.register(options);
    const second = await auth.register({ ...options, challenge: 'AQID' });
    expect(auth.credentials.map((credential) => credential.id)).toEqual([second.id]);
    expect(second.id).not.toBe(first.id);
  });

  it('throws NotSupportedError when ES256 is not offered', async () => {
    const auth = authenticator();
    const options = await creationOptions('alice@app.example', { supportedAlgorithmIDs: [-257] });
    await expect(auth.register(options)).rejects.toMatchObject({ name: 'NotSupportedError' });
  });

  it('throws SecurityError when the RP ID does not fit the origin', async () => {
    const auth = createTestAuthenticator({ origin: 'https://other.example' });
    const options = await creationOptions('alice@app.example');
    await expect(auth.register(options)).rejects.toMatchObject({ name: 'SecurityError' });
  });

  it('derives the origin from the RP ID when none is configured', async () => {
    const auth = createTestAuthenticator();
    const options = await creationOptions('alice@app.example');
    const response = await auth.register(options);
    const clientData = JSON.parse(
      Buffer.from(response.response.clientDataJSON, 'base64url').toString(),
    );
    expect(clientData).toEqual({
      type: 'webauthn.create',
      challenge: options.challenge,
      origin: 'https://app.example',
      crossOrigin: false,
    });
  });

  it('fails registration verification for each negative override', async () => {
    const auth = authenticator();
    const cases = [
      [
        { origin: 'https://evil.example' },
        /Unexpected registration response origin "https:\/\/evil\.example"/,
      ],
      [{ rpId: 'evil.example' }, /Unexpected RP ID hash/],
      [{ userVerified: false }, /User verification was required/],
      [{ userPresent: false }, /User presence was required/],
      [{ challenge: 'AAAA' }, /Unexpected registration response challenge "AAAA"/],
      [{ type: 'webauthn.get' }, /Unexpected registration response type: webauthn.get/],
      [
        { backupEligible: false, backupState: true },
        /Single-device credential indicated that it was backed up/,
      ],
    ] as const;
    for (const [overrides, message] of cases) {
      const options = await creationOptions(`user-${message.source.length}@app.example`);
      const response = await auth.register(options, overrides);
      await expect(
        verifyRegistrationResponse({
          response,
          expectedChallenge: options.challenge,
          expectedOrigin: ORIGIN,
          expectedRPID: RP_ID,
        }),
        JSON.stringify(overrides),
      ).rejects.toThrow(message);
    }
  });
});

describe('createTestAuthenticator: authentication', () => {
  it('signs assertions that verify, with an incrementing counter', async () => {
    const auth = authenticator();
    const { options, response: registration, credential } = await enrol(auth);
    let stored = credential;
    for (const expected of [1, 2, 3]) {
      const request = await requestOptions([{ id: registration.id }]);
      const response = await auth.authenticate(request);
      expect(AuthenticationResponseJSON.safeParse(response).success).toBe(true);
      expect(response.id).toBe(registration.id);
      expect(response.response.userHandle).toBe(options.user.id);
      const result = await verifyAssertion(response, request.challenge, stored);
      expect(result.verified).toBe(true);
      expect(result.authenticationInfo.newCounter).toBe(expected);
      expect(result.authenticationInfo.userVerified).toBe(true);
      stored = { ...stored, counter: result.authenticationInfo.newCounter };
    }
    expect(auth.credentials[0]?.counter).toBe(3);
  });

  it("keeps the counter at zero in 'zero' mode", async () => {
    const auth = authenticator({ counter: 'zero' });
    const { credential } = await enrol(auth);
    for (let i = 0; i < 2; i++) {
      const request = await requestOptions();
      const result = await verifyAssertion(
        await auth.authenticate(request),
        request.challenge,
        credential,
      );
      expect(result.verified).toBe(true);
      expect(result.authenticationInfo.newCounter).toBe(0);
    }
  });

  it('picks the newest discoverable credential, or the one asked for, and returns its user handle', async () => {
    const auth = authenticator();
    const alice = await enrol(auth, 'alice@app.example');
    const bob = await enrol(auth, 'bob@app.example');
    expect(alice.options.user.id).not.toBe(bob.options.user.id);

    const request = await requestOptions();
    expect(request.allowCredentials).toBeUndefined();
    const newest = await auth.authenticate(request);
    expect(newest.id).toBe(bob.response.id);
    expect(newest.response.userHandle).toBe(bob.options.user.id);
    expect((await verifyAssertion(newest, request.challenge, bob.credential)).verified).toBe(true);

    const chosen = await auth.authenticate(await requestOptions(), {
      credentialId: alice.response.id,
    });
    expect(chosen.id).toBe(alice.response.id);
    expect(chosen.response.userHandle).toBe(alice.options.user.id);

    const listed = await auth.authenticate(await requestOptions([{ id: alice.response.id }]));
    expect(listed.id).toBe(alice.response.id);
  });

  it('throws NotAllowedError when no credential fits', async () => {
    const auth = authenticator();
    await expect(auth.authenticate(await requestOptions())).rejects.toMatchObject({
      name: 'NotAllowedError',
    });
    const { response } = await enrol(auth);
    await expect(auth.authenticate(await requestOptions([{ id: 'AAAA' }]))).rejects.toMatchObject({
      name: 'NotAllowedError',
    });
    await expect(
      auth.authenticate(await requestOptions(), { credentialId: 'AAAA' }),
    ).rejects.toMatchObject({ name: 'NotAllowedError' });
    // A credential of another RP ID does not answer for this one.
    const elsewhere = createTestAuthenticator({ origin: 'https://other.example' });
    await expect(
      elsewhere.authenticate({ challenge: 'AAAA', rpId: 'other.example' }),
    ).rejects.toMatchObject({ name: 'NotAllowedError' });

    expect(auth.removeCredential(response.id)).toBe(true);
    expect(auth.removeCredential(response.id)).toBe(false);
    await expect(auth.authenticate(await requestOptions())).rejects.toMatchObject({
      name: 'NotAllowedError',
    });
  });

  it('fails authentication verification for each negative override', async () => {
    const auth = authenticator();
    const { credential } = await enrol(auth);
    const cases = [
      [
        { origin: 'https://evil.example' },
        /Unexpected authentication response origin "https:\/\/evil\.example"/,
      ],
      [{ rpId: 'evil.example' }, /Unexpected RP ID hash/],
      [{ userVerified: false }, /User verification required, but user could not be verified/],
      [{ userPresent: false }, /User not present during authentication/],
      [{ challenge: 'AAAA' }, /Unexpected authentication response challenge "AAAA"/],
      [{ type: 'webauthn.create' }, /Unexpected authentication response type: webauthn.create/],
      [
        { crossOrigin: true, topOrigin: 'https://framer.example' },
        /Detected cross-origin authentication response from top origin of "https:\/\/framer\.example"/,
      ],
      [{ counter: 0 }, /counter value 0 was lower than expected 5/],
    ] as const;
    const stored = { ...credential, counter: 5 };
    auth.setCounter(credential.id, 5);
    for (const [overrides, message] of cases) {
      const request = await requestOptions();
      const response = await auth.authenticate(request, overrides);
      await expect(
        verifyAssertion(response, request.challenge, stored),
        JSON.stringify(overrides),
      ).rejects.toThrow(message);
    }
  });

  it('a tampered signature does not verify; the same assertion untampered does', async () => {
    const auth = authenticator();
    const { credential } = await enrol(auth);
    const request = await requestOptions();
    const tampered = await auth.authenticate(request, { tamperSignature: true });
    const tamperedResult = await verifyAssertion(tampered, request.challenge, credential);
    expect(tamperedResult.verified).toBe(false);

    const honest = await auth.authenticate(request);
    expect((await verifyAssertion(honest, request.challenge, credential)).verified).toBe(true);
  });

  it('UV missing passes only where the server does not require it', async () => {
    const auth = authenticator({ userVerified: false });
    const options = await creationOptions('alice@app.example');
    const registration = await auth.register(options);
    const expected = {
      expectedChallenge: options.challenge,
      expectedOrigin: ORIGIN,
      expectedRPID: RP_ID,
    };
    await expect(
      verifyRegistrationResponse({ response: registration, ...expected }),
    ).rejects.toThrow(/User verification was required/);
    const verified = await verifyRegistrationResponse({
      response: registration,
      ...expected,
      requireUserVerification: false,
    });
    if (!verified.verified) throw new Error('registration did not verify');
    expect(verified.registrationInfo.userVerified).toBe(false);

    const request = await requestOptions();
    const response = await auth.authenticate(request);
    const stored = verified.registrationInfo.credential;
    await expect(verifyAssertion(response, request.challenge, stored)).rejects.toThrow(
      /User verification required/,
    );
    const lenient = await verifyAssertion(response, request.challenge, stored, {
      requireUserVerification: false,
    });
    expect(lenient.verified).toBe(true);
    expect(lenient.authenticationInfo.userVerified).toBe(false);
  });

  it('setCounter makes a clone-like regression that the verifier rejects', async () => {
    const auth = authenticator();
    const { credential } = await enrol(auth);
    const request = await requestOptions();
    const first = await verifyAssertion(
      await auth.authenticate(request),
      request.challenge,
      credential,
    );
    expect(first.authenticationInfo.newCounter).toBe(1);
    auth.setCounter(credential.id, 0);
    expect(auth.credentials[0]?.counter).toBe(0);
    const again = await requestOptions();
    await expect(
      verifyAssertion(await auth.authenticate(again), again.challenge, {
        ...credential,
        counter: 1,
      }),
    ).rejects.toThrow(/counter value 1 was lower than expected 1/);
    expect(() => auth.setCounter('unknown', 1)).toThrow(TypeError);
    expect(() => auth.setCounter(credential.id, -1)).toThrow(TypeError);
  });
});

describe('createTestAuthenticator: backup flags', () => {
  it('reports BE and BS as the knobs say, at registration and at sign-in', async () => {
    const synced = authenticator({ backupEligible: true, backupState: true });
    const { verification, credential } = await enrol(synced);
    expect(verification.registrationInfo.credentialDeviceType).toBe('multiDevice');
    expect(verification.registrationInfo.credentialBackedUp).toBe(true);

    const request = await requestOptions();
    const backedUp = await verifyAssertion(
      await synced.authenticate(request),
      request.challenge,
      credential,
    );
    expect(backedUp.authenticationInfo.credentialDeviceType).toBe('multiDevice');
    expect(backedUp.authenticationInfo.credentialBackedUp).toBe(true);

    const notYet = await requestOptions();
    const notBackedUp = await verifyAssertion(
      await synced.authenticate(notYet, { backupState: false }),
      notYet.challenge,
      { ...credential, counter: 1 },
    );
    expect(notBackedUp.authenticationInfo.credentialDeviceType).toBe('multiDevice');
    expect(notBackedUp.authenticationInfo.credentialBackedUp).toBe(false);
  });

  it('eligible but not backed up is a multi-device credential that is not backed up', async () => {
    const auth = authenticator({ backupEligible: true });
    const { verification } = await enrol(auth);
    expect(verification.registrationInfo.credentialDeviceType).toBe('multiDevice');
    expect(verification.registrationInfo.credentialBackedUp).toBe(false);
  });
});

describe('createTestAuthenticator: misuse', () => {
  it('throws TypeError for bad settings and bad options', async () => {
    expect(() => createTestAuthenticator({ aaguid: 'not-a-uuid' })).toThrow(TypeError);
    // @ts-expect-error: not a counter mode
    expect(() => createTestAuthenticator({ counter: 'sometimes' })).toThrow(TypeError);
    const auth = createTestAuthenticator();
    // @ts-expect-error: not creation options
    await expect(auth.register({})).rejects.toThrow(TypeError);
    // Without an origin or an RP ID there is nothing to hash.
    await expect(auth.authenticate({ challenge: 'AAAA' })).rejects.toThrow(TypeError);
  });
});
