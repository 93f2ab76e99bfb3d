import { generateKeyPairSync } from 'node:crypto';
import { type AuditEvent, base64urlDecode, base64urlEncode } from '@latchkey/core';
import { decodeAttestationObject } from '@simplewebauthn/server/helpers';
import { describe, expect, it } from 'vitest';
import { createTestServer } from '../../test/harness.js';
import type { LatchkeyConfig } from '../config/latchkey-config.js';
import { encodeCbor } from '../testing/cbor.js';
import { createTestAttestationCa } from '../testing/index.js';

const YUBIKEY = 'cb69481e-8ff7-4039-93ec-0a2729a154a8';
const SOFT_KEY = '00112233-4455-6677-8899-aabbccddeeff';

function withEvents(config: Partial<LatchkeyConfig> = {}) {
  const events: AuditEvent[] = [];
  const server = createTestServer({ ...config, hooks: { onEvent: (e) => void events.push(e) } });
  return { server, events };
}

/** Whether this Node can make ML-DSA keys, asked through node:crypto rather than Web Crypto. */
function nodeHasMlDsa(): boolean {
  try {
    generateKeyPairSync('ml-dsa-65' as never);
    return true;
  } catch {
    return false;
  }
}

describe('signature algorithms (config.webauthn.algorithms)', () => {
  const algs = (options: { pubKeyCredParams: { alg: number }[] }) =>
    options.pubKeyCredParams.map((p) => p.alg);

  it('offers Ed25519, ES256 and RS256 by default, in that order', async () => {
    const { options } = await createTestServer().browser().registration();
    expect(algs(options)).toEqual([-8, -7, -257]);
  });

  it('offers only the configured algorithms, and a passkey of one of them registers', async () => {
    const browser = createTestServer({ webauthn: { algorithms: [-7] } }).browser();
    const { options, response } = await browser.registration();
    expect(algs(options)).toEqual([-7]);
    expect((await browser.call('POST', '/auth/passkeys/register', { response })).status).toBe(201);
  });

  it('refuses a passkey of an algorithm it did not offer, with nothing written', async () => {
    const server = createTestServer({ webauthn: { algorithms: [-8, -257] } });
    const browser = server.browser();
    const res = await browser.call('POST', '/auth/passkeys/register-options', {
      email: 'ada@example.com',
    });
    const options = res.body.options as Parameters<typeof browser.authenticator.register>[0];
    // The browser is made to offer ES256 anyway: the server still checks what it asked for.
    const response = await browser.authenticator.register({
      ...options,
      pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
    });
    const answer = await browser.call('POST', '/auth/passkeys/register', { response });
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('VERIFICATION_FAILED');
    expect(await server.store.getUserByEmail('ada@example.com')).toBeNull();
  });

  it('offers ML-DSA only where the runtime can verify it, and says so once where it cannot', async () => {
    const logged: string[] = [];
    const server = createTestServer({
      webauthn: { algorithms: [-49, -7] },
      logger: (message) => void logged.push(message),
    });
    const first = await server.browser().registration();
    const second = await server.browser().registration();
    if (nodeHasMlDsa()) {
      expect(algs(first.options)).toEqual([-49, -7]);
      expect(logged).toEqual([]);
    } else {
      expect(algs(first.options)).toEqual([-7]);
      expect(logged.filter((m) => m.includes('ML-DSA-65'))).toHaveLength(1);
    }
    expect(algs(second.options)).toEqual(algs(first.options));
  });
});

describe('WebAuthn options from the config', () => {
  it('asks by default for a discoverable passkey, no attestation and only Latchkey’s extensions', async () => {
    const { options } = await createTestServer().browser().registration();
    expect(options.authenticatorSelection).toEqual({
      residentKey: 'required',
      requireResidentKey: true,
      userVerification: 'required',
    });
    expect(options.attestation).toBe('none');
    expect(options.hints ?? []).toEqual([]);
    expect(options.extensions).toEqual({ credProps: true, prf: {} });
  });

  it('puts residentKey, attachment, hints, attestation and extra extensions in the options', async () => {
    const server = createTestServer({
      userVerification: 'preferred',
      webauthn: {
        residentKey: 'preferred',
        authenticatorAttachment: 'cross-platform',
        hints: ['security-key', 'hybrid'],
        attestation: 'direct',
        extensions: {
          registration: { credentialProtectionPolicy: 'userVerificationRequired' },
          authentication: { largeBlob: { read: true } },
        },
      },
    });
    const browser = server.browser();
    const { options, response } = await browser.registration();
    expect(options.authenticatorSelection).toEqual({
      residentKey: 'preferred',
      requireResidentKey: false,
      userVerification: 'preferred',
      authenticatorAttachment: 'cross-platform',
    });
    expect(options.hints).toEqual(['security-key', 'hybrid']);
    expect(options.attestation).toBe('direct');
    expect(options.extensions).toEqual({
      credentialProtectionPolicy: 'userVerificationRequired',
      credProps: true,
      prf: {},
    });
    expect((await browser.call('POST', '/auth/passkeys/register', { response })).status).toBe(201);

    const signIn = await browser.call('POST', '/auth/passkeys/auth-options', {});
    expect(signIn.body.options).toMatchObject({
      hints: ['security-key', 'hybrid'],
      userVerification: 'preferred',
      extensions: { largeBlob: { read: true } },
    });
    const stepUp = await browser.call('POST', '/auth/passkeys/verify-options', {});
    expect(stepUp.body.options.hints).toEqual(['security-key', 'hybrid']);
  });

  it('lets a register-options request choose its attachment and hints, and checks them', async () => {
    const browser = createTestServer({ webauthn: { hints: ['client-device'] } }).browser();
    const res = await browser.call('POST', '/auth/passkeys/register-options', {
      authenticatorAttachment: 'cross-platform',
      hints: ['security-key'],
    });
    expect(res.body.options.authenticatorSelection.authenticatorAttachment).toBe('cross-platform');
    expect(res.body.options.hints).toEqual(['security-key']);
    const bad = await browser.call('POST', '/auth/passkeys/register-options', {
      hints: ['smart-card'],
    });
    expect([bad.status, bad.body.error.code]).toEqual([400, 'INVALID_BODY']);
  });

  it('hands the outputs of the app’s own extensions, and only those, to the hooks', async () => {
    const { server, events } = withEvents({
      webauthn: {
        extensions: {
          registration: { credBlob: 'AAEC' },
          authentication: { getCredBlob: true },
        },
      },
    });
    const browser = server.browser();
    const { response } = await browser.registration();
    // What a browser reports for extensions it ran (WebAuthn L3 §5.1.4.1).
    Object.assign(response.clientExtensionResults, { credBlob: true, appid: true });
    expect((await browser.call('POST', '/auth/passkeys/register', { response })).status).toBe(201);
    const registered = events.find((e) => e.type === 'passkey.registered')!;
    expect(registered.data.extensions).toEqual({ credBlob: true });

    await browser.signOut();
    const { response: assertion } = await browser.assertion();
    Object.assign(assertion.clientExtensionResults, { getCredBlob: 'AAEC', other: 1 });
    const signedIn = await browser.call('POST', '/auth/passkeys/authenticate', {
      response: assertion,
    });
    expect(signedIn.status).toBe(200);
    const event = events.find((e) => e.type === 'signin.succeeded')!;
    expect(event.data.extensions).toEqual({ getCredBlob: 'AAEC' });
    // Stored in the audit log as the app sees it; an app that configured nothing gets nothing.
    const { server: plain, events: plainEvents } = withEvents();
    const other = plain.browser();
    const { response: unasked } = await other.registration();
    Object.assign(unasked.clientExtensionResults, { credBlob: true });
    await other.call('POST', '/auth/passkeys/register', { response: unasked });
    expect(plainEvents.find((e) => e.type === 'passkey.registered')!.data.extensions).toBe(
      undefined,
    );
  });
});

describe('the AAGUID policy', () => {
  it('refuses a denied AAGUID at register, with nothing written', async () => {
    const server = createTestServer({ webauthn: { authenticators: { deny: [SOFT_KEY] } } });
    const denied = server.browser({ aaguid: SOFT_KEY.toUpperCase() });
    const res = await denied.signUp({ email: 'ada@example.com' });
    expect([res.status, res.body.error.code]).toEqual([403, 'AUTHENTICATOR_NOT_ALLOWED']);
    expect(await server.store.getUserByEmail('ada@example.com')).toBeNull();
    expect((await server.browser({ aaguid: YUBIKEY }).signUp()).status).toBe(201);
  });

  it('with an allow-list, accepts an allowed AAGUID attested by a chain to a trusted root', async () => {
    const vendor = await createTestAttestationCa({ name: 'Trusted Keys' });
    const server = createTestServer({
      webauthn: {
        attestation: 'direct',
        authenticators: { allow: [YUBIKEY], roots: [vendor.rootPem] },
      },
    });
    const key = server.browser({ aaguid: YUBIKEY, attestation: 'packed', attestationCa: vendor });
    expect((await key.signUp({ email: 'ada@example.com' })).status).toBe(201);

    // The same vendor's other model is not on the list.
    const other = await server
      .browser({ aaguid: SOFT_KEY, attestation: 'packed', attestationCa: vendor })
      .signUp({ email: 'grace@example.com' });
    expect([other.status, other.body.error.code]).toEqual([403, 'AUTHENTICATOR_NOT_ALLOWED']);
    // A self-made certificate naming the allowed AAGUID: its chain reaches no trusted root.
    const forger = await createTestAttestationCa({ name: 'Trusted Keys' });
    const forged = await server
      .browser({ aaguid: YUBIKEY, attestation: 'packed', attestationCa: forger })
      .signUp({ email: 'grace@example.com' });
    expect([forged.status, forged.body.error.code]).toEqual([403, 'AUTHENTICATOR_NOT_ALLOWED']);
    expect(forged.body.error.message).toMatch(/trusted root/);
    expect(await server.store.getUserByEmail('grace@example.com')).toBeNull();
  });

  it('asks for enterprise attestation when configured, and verifies its statement like direct', async () => {
    const vendor = await createTestAttestationCa({ name: 'Managed Keys' });
    const server = createTestServer({
      webauthn: {
        attestation: 'enterprise',
        authenticators: { allow: [YUBIKEY], roots: [vendor.rootPem] },
      },
    });
    const options = await server.browser().call('POST', '/auth/passkeys/register-options', {
      email: 'ada@example.com',
    });
    expect(options.body.options.attestation).toBe('enterprise');
    const key = server.browser({ aaguid: YUBIKEY, attestation: 'packed', attestationCa: vendor });
    expect((await key.signUp({ email: 'ada@example.com' })).status).toBe(201);
    const forger = await createTestAttestationCa({ name: 'Managed Keys' });
    const forged = await server
      .browser({ aaguid: YUBIKEY, attestation: 'packed', attestationCa: forger })
      .signUp({ email: 'grace@example.com' });
    expect([forged.status, forged.body.error.code]).toEqual([403, 'AUTHENTICATOR_NOT_ALLOWED']);
  });

  it('with an allow-list, refuses a trusted chain whose certificate does not name the model', async () => {
    const vendor = await createTestAttestationCa({ namesModel: false });
    const server = createTestServer({
      webauthn: {
        attestation: 'direct',
        authenticators: { allow: [YUBIKEY], roots: [vendor.rootPem] },
      },
    });
    const res = await server
      .browser({ aaguid: YUBIKEY, attestation: 'packed', attestationCa: vendor })
      .signUp({ email: 'ada@example.com' });
    expect([res.status, res.body.error.code]).toEqual([403, 'AUTHENTICATOR_NOT_ALLOWED']);
    expect(res.body.error.message).toMatch(/does not name/);
  });

  it('with an allow-list, refuses AAGUIDs outside it and any without an attestation certificate', async () => {
    const vendor = await createTestAttestationCa();
    const server = createTestServer({
      webauthn: {
        attestation: 'direct',
        authenticators: { allow: [YUBIKEY], roots: [vendor.rootPem] },
      },
    });
    // Outside the list.
    const other = await server
      .browser({ aaguid: SOFT_KEY, attestation: 'packed-self' })
      .signUp({ email: 'ada@example.com' });
    expect([other.status, other.body.error.code]).toEqual([403, 'AUTHENTICATOR_NOT_ALLOWED']);
    // On the list, but only self-reported: `none`, or self attestation signed by the new key itself.
    for (const attestation of ['none', 'packed-self'] as const) {
      const res = await server
        .browser({ aaguid: YUBIKEY, attestation })
        .signUp({ email: 'ada@example.com' });
      expect([res.status, res.body.error.code]).toEqual([403, 'AUTHENTICATOR_NOT_ALLOWED']);
      expect(res.body.error.message).toMatch(/attestation certificate/);
    }
    expect(await server.store.getUserByEmail('ada@example.com')).toBeNull();
  });

  it('verifies a packed self attestation when attestation is direct', async () => {
    const server = createTestServer({ webauthn: { attestation: 'direct' } });
    const browser = server.browser({ attestation: 'packed-self', aaguid: SOFT_KEY });
    expect((await browser.signUp()).status).toBe(201);
    // A statement whose signature does not verify is refused, and nothing is stored.
    const other = server.browser({ attestation: 'packed-self' });
    const { response } = await other.registration({ email: 'grace@example.com' });
    const object = decodeAttestationObject(
      base64urlDecode(response.response.attestationObject) as Uint8Array<ArrayBuffer>,
    );
    const sig = Uint8Array.from(object.get('attStmt').get('sig')!);
    sig[sig.length - 1]! ^= 0x01;
    response.response.attestationObject = base64urlEncode(
      encodeCbor({
        fmt: 'packed',
        attStmt: { alg: -7, sig },
        authData: object.get('authData'),
      }),
    );
    const refused = await other.call('POST', '/auth/passkeys/register', { response });
    expect([refused.status, refused.body.error.code]).toEqual([400, 'VERIFICATION_FAILED']);
    expect(await server.store.getUserByEmail('grace@example.com')).toBeNull();
  });
});

describe('config.webauthn is checked at start', () => {
  const wrong: [string, LatchkeyConfig['webauthn']][] = [
    ['webauthn.residentKey', { residentKey: 'always' as never }],
    ['webauthn.authenticatorAttachment', { authenticatorAttachment: 'usb' as never }],
    ['webauthn.hints', { hints: ['smart-card' as never] }],
    ['webauthn.hints', { hints: ['hybrid', 'hybrid'] }],
    ['webauthn.attestation', { attestation: 'indirect' as never }],
    ['webauthn.authenticators.deny[0]', { authenticators: { deny: ['yubikey'] } }],
    ['webauthn.authenticators.allow', { authenticators: { allow: [YUBIKEY] } }],
    [
      'webauthn.authenticators.roots',
      { attestation: 'direct', authenticators: { allow: [YUBIKEY] } },
    ],
    [
      'webauthn.authenticators.roots[0]',
      { attestation: 'direct', authenticators: { allow: [YUBIKEY], roots: ['not a PEM'] } },
    ],
    [
      'webauthn.authenticators.allow',
      { attestation: 'direct', authenticators: { allow: [], roots: [] } },
    ],
    ['webauthn.extensions.registration.prf', { extensions: { registration: { prf: {} } } }],
    [
      'webauthn.extensions.authentication.credProps',
      { extensions: { authentication: { credProps: false } } },
    ],
    ['webauthn.extensions.registration', { extensions: { registration: [] as never } }],
    ['webauthn.algorithms', { algorithms: [] }],
    ['webauthn.algorithms[1]', { algorithms: [-7, -999] }],
    ['webauthn.algorithms', { algorithms: [-7, -7] }],
  ];
  it.each(wrong)('names config.%s', (field, webauthn) => {
    expect(() => createTestServer({ webauthn })).toThrow(
      new RegExp(`config\\.${field.replace(/[.[\]]/g, '\\$&')} `),
    );
  });
});
