import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@latchkey/core';
import { base64urlDecode, base64urlEncode } from '@latchkey/core';
import { concatBytes, encodeCbor } from './cbor.js';
import type { TestAttestationCa } from './test-attestation-ca.js';

/**
 * A software WebAuthn authenticator and the browser side of the ceremonies,
 * for testing a Latchkey (or any WebAuthn) server without a browser. It makes
 * ES256 (P-256) credentials with Web Crypto, answers with `none` (or `packed`
 * self) attestation, and keeps every credential as a discoverable (resident) one in memory.
 */

/**
 * How the authenticator reports its signature counter (WebAuthn L3 §6.1.1).
 *
 * @example
 * createTestAuthenticator({ counter: 'zero' }) // like a synced passkey
 */
export type TestCounterMode = 'increment' | 'zero';

/**
 * The attestation statement formats the software authenticator can give.
 *
 * @example
 * createTestAuthenticator({ attestation: 'packed-self' })
 */
export type TestAttestation = 'none' | 'packed-self' | 'packed';

/**
 * Settings for the whole authenticator; every ceremony can bend them with overrides.
 *
 * @example
 * const synced = createTestAuthenticator({ origin: 'https://app.example', backupEligible: true, backupState: true });
 */
export interface TestAuthenticatorOptions {
  /**
   * The origin the "browser" runs on. When unset, each ceremony uses
   * `https://<rpId>`. An Android app's origin (`android:apk-key-hash:<base64url
   * SHA-256 of the signing certificate>`) plays a native app, as Android's
   * Credential Manager signs it into clientDataJSON; the RP ID is then not
   * checked against it (Android checks the site's Digital Asset Links instead).
   */
  origin?: string;
  /** The authenticator's AAGUID as a UUID; all zeros by default, as `none` attestation reports. */
  aaguid?: string;
  /**
   * The attestation statement of new credentials: `none` (default),
   * `packed-self` (WebAuthn L3 §8.2 self attestation: signed by the new
   * credential's own key, so it proves nothing about the AAGUID), or `packed`
   * (full attestation: signed by a leaf certificate of `attestationCa` that
   * names the AAGUID).
   */
  attestation?: TestAttestation;
  /** The vendor CA of `packed` attestation (`createTestAttestationCa()`). */
  attestationCa?: TestAttestationCa;
  /** The UV flag (WebAuthn L3 §6.1, bit 2). Default `true`. */
  userVerified?: boolean;
  /** The UP flag (bit 0). Default `true`. */
  userPresent?: boolean;
  /** The BE flag (bit 3) of new credentials: may they be synced? Default `false`. */
  backupEligible?: boolean;
  /** The BS flag (bit 4): is the credential backed up now? Default `false`. */
  backupState?: boolean;
  /**
   * `increment` (default): the counter starts at 0 and every assertion adds one.
   * `zero`: always 0, as many synced passkeys do.
   */
  counter?: TestCounterMode;
}

/**
 * Per-ceremony knobs, mostly for negative tests. Each one bends one thing.
 *
 * @example
 * await authenticator.authenticate(options, { rpId: 'evil.example' }) // the server must answer RP_ID_MISMATCH
 */
export interface TestCeremonyOverrides {
  /** `clientDataJSON.origin`: pretend the ceremony ran on another origin. */
  origin?: string;
  /** Hash this RP ID into the authenticator data instead of the real one. */
  rpId?: string;
  userVerified?: boolean;
  userPresent?: boolean;
  backupEligible?: boolean;
  backupState?: boolean;
  /** Report this signature counter (the stored counter is left as it is). */
  counter?: number;
  /** Put this challenge in `clientDataJSON` instead of the options' one. */
  challenge?: string;
  /** `clientDataJSON.type`, such as `webauthn.get` during a registration. */
  type?: string;
  /** `clientDataJSON.crossOrigin` (WebAuthn L3 §5.8.1). */
  crossOrigin?: boolean;
  /** `clientDataJSON.topOrigin`, written only when `crossOrigin` is true. */
  topOrigin?: string;
}

/**
 * Overrides for `register`.
 *
 * @example
 * await authenticator.register(options, { transports: ['usb', 'nfc'], userVerified: false })
 */
export interface TestRegisterOverrides extends TestCeremonyOverrides {
  /** The transports reported; `['internal']` by default. */
  transports?: string[];
  /** The attestation statement of this credential (see `TestAuthenticatorOptions.attestation`). */
  attestation?: TestAttestation;
}

/**
 * Overrides for `authenticate`.
 *
 * @example
 * await authenticator.authenticate(options, { credentialId: first.id, tamperSignature: true })
 */
export interface TestAuthenticateOverrides extends TestCeremonyOverrides {
  /** In a discoverable ceremony, use this credential rather than the newest one. */
  credentialId?: string;
  /** Corrupt the assertion signature, so it no longer verifies. */
  tamperSignature?: boolean;
}

/**
 * What `register` answers: core's `RegistrationResponseJSON`, with the only
 * extension output it can give (`credProps`), so it also fits
 * `@simplewebauthn/server`'s own response type.
 *
 * @example
 * const response: TestRegistrationResponse = await authenticator.register(options);
 * await fetch('/auth/passkeys/register', { method: 'POST', body: JSON.stringify({ response }) });
 */
export interface TestRegistrationResponse extends RegistrationResponseJSON {
  clientExtensionResults: { credProps?: { rk?: boolean } };
}

/**
 * What `authenticate` answers: core's `AuthenticationResponseJSON`, without extension outputs.
 *
 * @example
 * const response: TestAuthenticationResponse = await authenticator.authenticate(options);
 * response.response.userHandle // the user handle given at registration
 */
export interface TestAuthenticationResponse extends AuthenticationResponseJSON {
  clientExtensionResults: Record<never, never>;
}

/**
 * What the authenticator holds, as a test may inspect it.
 *
 * @example
 * const [{ id, counter }] = authenticator.credentials;
 */
export interface TestCredentialInfo {
  /** The credential id, base64url. */
  id: string;
  rpId: string;
  /** The user handle (`user.id` of the creation options), base64url. */
  userHandle: string;
  /** The stored signature counter. */
  counter: number;
}

/**
 * A software authenticator made by `createTestAuthenticator`.
 *
 * @example
 * const authenticator: TestAuthenticator = createTestAuthenticator({ origin: 'https://app.example' });
 */
export interface TestAuthenticator {
  /**
   * Runs `navigator.credentials.create()` against this authenticator.
   *
   * @example
   * const { options } = await (await fetch('/auth/passkeys/register-options', { method: 'POST', body: '{}' })).json();
   * const response = await authenticator.register(options);
   */
  register(
    options: PublicKeyCredentialCreationOptionsJSON,
    overrides?: TestRegisterOverrides,
  ): Promise<TestRegistrationResponse>;
  /**
   * Runs `navigator.credentials.get()` against this authenticator.
   *
   * @example
   * const response = await authenticator.authenticate(options);
   * const wrongOrigin = await authenticator.authenticate(options, { origin: 'https://evil.example' });
   */
  authenticate(
    options: PublicKeyCredentialRequestOptionsJSON,
    overrides?: TestAuthenticateOverrides,
  ): Promise<TestAuthenticationResponse>;
  /**
   * A snapshot of the credentials held, oldest first.
   *
   * @example
   * expect(authenticator.credentials).toHaveLength(1);
   */
  readonly credentials: readonly TestCredentialInfo[];
  /**
   * Forgets a credential, as deleting a passkey on a device does. Returns whether it existed.
   *
   * @example
   * authenticator.removeCredential(authenticator.credentials[0].id);
   */
  removeCredential(id: string): boolean;
  /**
   * Sets the stored counter of a credential; in `increment` mode the next
   * assertion reports `counter + 1`. A `TypeError` for an unknown id.
   *
   * @example
   * authenticator.setCounter(id, 0); // simulate a cloned authenticator
   */
  setCounter(id: string, counter: number): void;
}

// Web Crypto's key type, named without the DOM lib or `node:crypto`.
type PrivateKey = Parameters<typeof crypto.subtle.sign>[1];

interface StoredCredential {
  idText: string;
  rpId: string;
  userHandle: string;
  privateKey: PrivateKey;
  counter: number;
  backupEligible: boolean;
}

// WebAuthn L3 §6.1 "Authenticator Data": the flags byte.
const FLAG_UP = 0x01;
const FLAG_UV = 0x04;
const FLAG_BE = 0x08;
const FLAG_BS = 0x10;
const FLAG_AT = 0x40;

// COSE algorithm -7 (ES256) and key type 2 (EC2), curve 1 (P-256): RFC 9053 §2.1, §7.1.
const ES256 = -7;
const MAX_COUNTER = 0xffffffff;

/**
 * Creates a software authenticator. Its answers are what a browser hands to
 * `@simplewebauthn/browser` (`RegistrationResponseJSON` /
 * `AuthenticationResponseJSON`), so they can be posted to Latchkey's routes
 * as they are.
 *
 * Like a browser it refuses with a `DOMException`: `InvalidStateError` when
 * `excludeCredentials` lists a credential it holds, `NotAllowedError` when no
 * credential fits an assertion, `NotSupportedError` when ES256 is not offered,
 * and `SecurityError` when the RP ID does not fit the configured origin (unless
 * an override bends the origin or RP ID on purpose).
 *
 * @example
 * import { createTestAuthenticator } from '@latchkey/server/testing';
 *
 * const authenticator = createTestAuthenticator({ origin: 'https://app.example' });
 * const registration = await authenticator.register(creationOptions);
 * const assertion = await authenticator.authenticate(requestOptions);
 * const unverified = await authenticator.authenticate(requestOptions, { userVerified: false });
 */
export function createTestAuthenticator(options: TestAuthenticatorOptions = {}): TestAuthenticator {
  const aaguid = parseAaguid(options.aaguid ?? '00000000-0000-0000-0000-000000000000');
  const settings = {
    userVerified: options.userVerified ?? true,
    userPresent: options.userPresent ?? true,
    backupEligible: options.backupEligible ?? false,
    backupState: options.backupState ?? false,
    counter: options.counter ?? 'increment',
    attestation: options.attestation ?? 'none',
  };
  if (settings.counter !== 'increment' && settings.counter !== 'zero') {
    throw new TypeError(`createTestAuthenticator: counter must be 'increment' or 'zero'`);
  }
  const attestationCa = options.attestationCa;
  let leaf: ReturnType<TestAttestationCa['leaf']> | null = null;
  const configuredOrigin =
    options.origin === undefined || isNativeOrigin(options.origin)
      ? options.origin
      : new URL(options.origin).origin;
  const store: StoredCredential[] = [];

  function isNativeOrigin(origin: string): boolean {
    return origin.startsWith('android:apk-key-hash:');
  }

  function originFor(rpId: string | undefined, method: string): string {
    if (configuredOrigin) return configuredOrigin;
    if (rpId) return `https://${rpId}`;
    throw new TypeError(`${method}: the options name no RP ID and the authenticator has no origin`);
  }

  function checkRpId(rpId: string, origin: string, overrides: TestCeremonyOverrides): void {
    // WebAuthn L3 §5.1.3 step 8 / §5.1.4.1 step 8: the RP ID must be the origin's
    // host or a registrable suffix of it. Overrides skip this so a test can play
    // a misbehaving client.
    if (overrides.origin !== undefined || overrides.rpId !== undefined) return;
    if (isNativeOrigin(origin)) return;
    const host = new URL(origin).hostname;
    if (host !== rpId && !host.endsWith(`.${rpId}`)) {
      throw new DOMException(`The RP ID "${rpId}" is not valid for ${origin}`, 'SecurityError');
    }
  }

  async function register(
    creation: PublicKeyCredentialCreationOptionsJSON,
    overrides: TestRegisterOverrides = {},
  ): Promise<TestRegistrationResponse> {
    if (
      !creation ||
      typeof creation.challenge !== 'string' ||
      typeof creation.user?.id !== 'string'
    ) {
      throw new TypeError('register: expected PublicKeyCredentialCreationOptionsJSON');
    }
    const origin = originFor(creation.rp?.id, 'register');
    const rpId = creation.rp?.id ?? new URL(origin).hostname;
    checkRpId(rpId, origin, overrides);

    if (
      !creation.pubKeyCredParams?.some(
        (param) => param.alg === ES256 && param.type === 'public-key',
      )
    ) {
      throw new DOMException(
        'No supported algorithm (ES256) in pubKeyCredParams',
        'NotSupportedError',
      );
    }
    // WebAuthn L3 §6.3.2 step 3: an authenticator holding an excluded credential
    // refuses, and the client reports InvalidStateError.
    const excluded = new Set(
      (creation.excludeCredentials ?? []).map((descriptor) => descriptor.id),
    );
    if (store.some((credential) => credential.rpId === rpId && excluded.has(credential.idText))) {
      throw new DOMException(
        'The authenticator already holds an excluded credential',
        'InvalidStateError',
      );
    }

    const keyPair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
      'sign',
      'verify',
    ]);
    const jwk = await crypto.subtle.exportKey('jwk', keyPair.publicKey);
    const spki = new Uint8Array(await crypto.subtle.exportKey('spki', keyPair.publicKey));
    const credentialId = crypto.getRandomValues(new Uint8Array(32));
    const backupEligible = overrides.backupEligible ?? settings.backupEligible;
    const counter = overrides.counter ?? 0;
    checkCounter(counter, 'register');

    // RFC 9052 §7 / RFC 9053 §7.1.1: an EC2 COSE_Key.
    const coseKey = encodeCbor(
      new Map<number, number | Uint8Array>([
        [1, 2],
        [3, ES256],
        [-1, 1],
        [-2, base64urlDecode(jwk.x ?? '')],
        [-3, base64urlDecode(jwk.y ?? '')],
      ]),
    );
    // WebAuthn L3 §6.5.1: attested credential data.
    const attestedCredentialData = concatBytes([
      aaguid,
      Uint8Array.of(credentialId.length >> 8, credentialId.length & 0xff),
      credentialId,
      coseKey,
    ]);
    const authData = concatBytes([
      await sha256(new TextEncoder().encode(overrides.rpId ?? rpId)),
      Uint8Array.of(flags(overrides, settings, backupEligible) | FLAG_AT),
      uint32(counter),
      attestedCredentialData,
    ]);
    const clientDataJSON = clientData('webauthn.create', creation.challenge, origin, overrides);
    const attestation = overrides.attestation ?? settings.attestation;
    if (attestation !== 'none' && attestation !== 'packed-self' && attestation !== 'packed')
      throw new TypeError(`register: attestation must be 'none', 'packed-self' or 'packed'`);
    if (attestation === 'packed' && !attestationCa)
      throw new TypeError(`register: 'packed' attestation needs an attestationCa`);
    // §8.2 (packed): the signature covers authenticatorData || SHA-256(clientDataJSON).
    const signed = concatBytes([authData, await sha256(clientDataJSON)]);
    let attestationObject: Uint8Array;
    if (attestation === 'none') {
      // WebAuthn L3 §8.7: the `none` attestation statement format.
      attestationObject = encodeCbor({ fmt: 'none', attStmt: {}, authData });
    } else if (attestation === 'packed-self') {
      // Self attestation: no x5c, signed with the credential's own key.
      const sig = await signDer(keyPair.privateKey, signed);
      attestationObject = encodeCbor({ fmt: 'packed', attStmt: { alg: ES256, sig }, authData });
    } else {
      // Full attestation: signed by the model's attestation key, its certificate in x5c.
      leaf ??= attestationCa!.leaf(aaguid);
      const { certificate, privateKey } = await leaf;
      const sig = await signDer(privateKey, signed);
      attestationObject = encodeCbor({
        fmt: 'packed',
        attStmt: { alg: ES256, sig, x5c: [certificate] },
        authData,
      });
    }

    // CTAP 2.1 §6.1.2: a new discoverable credential for the same RP ID and user
    // handle overwrites the old one.
    const existing = store.findIndex(
      (credential) => credential.rpId === rpId && credential.userHandle === creation.user.id,
    );
    if (existing !== -1) store.splice(existing, 1);
    const idText = base64urlEncode(credentialId);
    store.push({
      idText,
      rpId,
      userHandle: creation.user.id,
      privateKey: keyPair.privateKey,
      counter,
      backupEligible,
    });

    const clientExtensionResults: TestRegistrationResponse['clientExtensionResults'] = {};
    // WebAuthn L3 §10.1.3: credProps reports that the credential is discoverable.
    if (creation.extensions?.credProps) clientExtensionResults.credProps = { rk: true };
    return {
      id: idText,
      rawId: idText,
      type: 'public-key',
      response: {
        clientDataJSON: base64urlEncode(clientDataJSON),
        attestationObject: base64urlEncode(attestationObject),
        authenticatorData: base64urlEncode(authData),
        transports: overrides.transports ?? ['internal'],
        publicKeyAlgorithm: ES256,
        publicKey: base64urlEncode(spki),
      },
      authenticatorAttachment: 'platform',
      clientExtensionResults,
    };
  }

  async function authenticate(
    request: PublicKeyCredentialRequestOptionsJSON,
    overrides: TestAuthenticateOverrides = {},
  ): Promise<TestAuthenticationResponse> {
    if (!request || typeof request.challenge !== 'string') {
      throw new TypeError('authenticate: expected PublicKeyCredentialRequestOptionsJSON');
    }
    const origin = originFor(request.rpId, 'authenticate');
    const rpId = request.rpId ?? new URL(origin).hostname;
    checkRpId(rpId, origin, overrides);

    const credential = pickCredential(rpId, request, overrides);
    let counter: number;
    if (overrides.counter !== undefined) {
      counter = overrides.counter;
    } else if (settings.counter === 'zero') {
      counter = 0;
    } else {
      credential.counter = Math.min(credential.counter + 1, MAX_COUNTER);
      counter = credential.counter;
    }
    checkCounter(counter, 'authenticate');

    const authData = concatBytes([
      await sha256(new TextEncoder().encode(overrides.rpId ?? rpId)),
      Uint8Array.of(flags(overrides, settings, credential.backupEligible)),
      uint32(counter),
    ]);
    const clientDataJSON = clientData('webauthn.get', request.challenge, origin, overrides);
    // WebAuthn L3 §6.3.3 step 11: the signature covers authData || SHA-256(clientDataJSON).
    const signed = concatBytes([authData, await sha256(clientDataJSON)]);
    const signature = await signDer(credential.privateKey, signed);
    if (overrides.tamperSignature) {
      // The last byte belongs to `s`: the DER stays well formed, the maths does not.
      signature[signature.length - 1] = (signature[signature.length - 1] ?? 0) ^ 0x01;
    }

    return {
      id: credential.idText,
      rawId: credential.idText,
      type: 'public-key',
      response: {
        clientDataJSON: base64urlEncode(clientDataJSON),
        authenticatorData: base64urlEncode(authData),
        signature: base64urlEncode(signature),
        userHandle: credential.userHandle,
      },
      authenticatorAttachment: 'platform',
      clientExtensionResults: {},
    };
  }

  function pickCredential(
    rpId: string,
    request: PublicKeyCredentialRequestOptionsJSON,
    overrides: TestAuthenticateOverrides,
  ): StoredCredential {
    const forRp = store.filter((credential) => credential.rpId === rpId);
    const allowed = request.allowCredentials ?? [];
    let candidates = forRp;
    if (allowed.length > 0) {
      // WebAuthn L3 §6.3.3 step 7: only credentials the RP listed.
      const ids = new Set(allowed.map((descriptor) => descriptor.id));
      candidates = forRp.filter((credential) => ids.has(credential.idText));
    }
    if (overrides.credentialId !== undefined) {
      candidates = candidates.filter((credential) => credential.idText === overrides.credentialId);
    }
    // Several fit: a browser would ask the user; the newest stands in for that choice.
    const chosen = candidates.at(-1);
    if (!chosen) {
      throw new DOMException(`No credential for ${rpId} fits the request`, 'NotAllowedError');
    }
    return chosen;
  }

  return {
    register,
    authenticate,
    get credentials() {
      return store.map((credential) => ({
        id: credential.idText,
        rpId: credential.rpId,
        userHandle: credential.userHandle,
        counter: credential.counter,
      }));
    },
    removeCredential(id: string): boolean {
      const index = store.findIndex((credential) => credential.idText === id);
      if (index === -1) return false;
      store.splice(index, 1);
      return true;
    },
    setCounter(id: string, counter: number): void {
      const credential = store.find((candidate) => candidate.idText === id);
      if (!credential) throw new TypeError(`setCounter: no credential ${id}`);
      checkCounter(counter, 'setCounter');
      credential.counter = counter;
    },
  };
}

function flags(
  overrides: TestCeremonyOverrides,
  settings: { userPresent: boolean; userVerified: boolean; backupState: boolean },
  backupEligible: boolean,
): number {
  let value = 0;
  if (overrides.userPresent ?? settings.userPresent) value |= FLAG_UP;
  if (overrides.userVerified ?? settings.userVerified) value |= FLAG_UV;
  if (overrides.backupEligible ?? backupEligible) value |= FLAG_BE;
  if (overrides.backupState ?? settings.backupState) value |= FLAG_BS;
  return value;
}

/** WebAuthn L3 §5.8.1.1: the members in the order a browser serializes them. */
function clientData(
  type: string,
  challenge: string,
  origin: string,
  overrides: TestCeremonyOverrides,
): Uint8Array {
  const crossOrigin = overrides.crossOrigin ?? false;
  const data: Record<string, string | boolean> = {
    type: overrides.type ?? type,
    challenge: overrides.challenge ?? challenge,
    origin: overrides.origin ?? origin,
    crossOrigin,
  };
  if (crossOrigin && overrides.topOrigin !== undefined) data.topOrigin = overrides.topOrigin;
  return new TextEncoder().encode(JSON.stringify(data));
}

/** An ES256 signature over `data`, DER-encoded as WebAuthn wants it. */
async function signDer(key: PrivateKey, data: Uint8Array): Promise<Uint8Array> {
  const raw = new Uint8Array(
    await crypto.subtle.sign(
      { name: 'ECDSA', hash: 'SHA-256' },
      key,
      data as Uint8Array<ArrayBuffer>,
    ),
  );
  return derSignature(raw);
}

/**
 * Web Crypto signs ECDSA as r || s (IEEE P1363); WebAuthn wants an ASN.1 DER
 * `Ecdsa-Sig-Value` (WebAuthn L3 §6.5.5).
 */
function derSignature(raw: Uint8Array): Uint8Array {
  const half = raw.length / 2;
  const r = derInteger(raw.subarray(0, half));
  const s = derInteger(raw.subarray(half));
  return concatBytes([Uint8Array.of(0x30, r.length + s.length), r, s]);
}

function derInteger(bytes: Uint8Array): Uint8Array {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  const trimmed = bytes.subarray(start);
  // A set high bit would read as negative: prefix a zero byte.
  const body = (trimmed[0] ?? 0) & 0x80 ? concatBytes([Uint8Array.of(0), trimmed]) : trimmed;
  return concatBytes([Uint8Array.of(0x02, body.length), body]);
}

async function sha256(data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', data));
}

function uint32(value: number): Uint8Array {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, value);
  return bytes;
}

function checkCounter(value: number, method: string): void {
  if (!Number.isInteger(value) || value < 0 || value > MAX_COUNTER) {
    throw new TypeError(`${method}: a counter is an integer from 0 to 2^32 - 1`);
  }
}

function parseAaguid(text: string): Uint8Array {
  const hex = text.replace(/-/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(hex))
    throw new TypeError('createTestAuthenticator: aaguid must be a UUID');
  const bytes = new Uint8Array(16);
  for (let i = 0; i < 16; i++) bytes[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}
