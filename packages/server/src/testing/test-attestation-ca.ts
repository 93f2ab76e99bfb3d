import { base64urlEncode } from '@latchkey/core';
import { concatBytes } from './cbor.js';

// Web Crypto's key types, named without the DOM lib or `node:crypto`.
type PrivateKey = Parameters<typeof crypto.subtle.sign>[1];

/**
 * A software attestation certificate authority, as an authenticator vendor
 * runs one: a self-signed root, and for each authenticator model a leaf
 * certificate naming its AAGUID (FIDO `id-fido-gen-ce-aaguid`), for `packed`
 * attestation with a certificate chain (WebAuthn L3 §8.2.1).
 *
 * @example
 * const vendor = await createTestAttestationCa();
 * createLatchkey({ …, webauthn: { attestation: 'direct', authenticators: { allow: [aaguid], roots: [vendor.rootPem] } } });
 * const key = createTestAuthenticator({ aaguid, attestation: 'packed', attestationCa: vendor });
 */
export interface TestAttestationCa {
  /** The root certificate, PEM: what `webauthn.authenticators.roots` trusts. */
  readonly rootPem: string;
  /** A leaf certificate (DER) and its private key for the model `aaguid`. */
  leaf(aaguid: Uint8Array): Promise<{ certificate: Uint8Array; privateKey: PrivateKey }>;
}

// ASN.1 DER (X.690 §8, §10): tag, length, contents.
function der(tag: number, ...contents: Uint8Array[]): Uint8Array {
  const body = concatBytes(contents);
  const n = body.length;
  const length =
    n < 0x80
      ? Uint8Array.of(n)
      : n < 0x100
        ? Uint8Array.of(0x81, n)
        : Uint8Array.of(0x82, n >> 8, n & 0xff);
  return concatBytes([Uint8Array.of(tag), length, body]);
}
const seq = (...c: Uint8Array[]) => der(0x30, ...c);
const text = (value: string) => new TextEncoder().encode(value);

function oid(dotted: string): Uint8Array {
  const [a = 0, b = 0, ...rest] = dotted.split('.').map(Number);
  const bytes = [40 * a + b];
  for (const arc of rest) {
    const chunk = [arc & 0x7f];
    for (let v = arc >>> 7; v > 0; v >>>= 7) chunk.unshift((v & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return der(0x06, Uint8Array.from(bytes));
}

/** RFC 5280 §4.1.2.4 Name: C (PrintableString), O, OU, CN (UTF8String). */
function name(parts: { C: string; O: string; OU: string; CN: string }): Uint8Array {
  const attr = (type: string, tag: number, value: string) =>
    der(0x31, seq(oid(type), der(tag, text(value))));
  return seq(
    attr('2.5.4.6', 0x13, parts.C),
    attr('2.5.4.10', 0x0c, parts.O),
    attr('2.5.4.11', 0x0c, parts.OU),
    attr('2.5.4.3', 0x0c, parts.CN),
  );
}

function utcTime(date: Date): Uint8Array {
  const iso = date.toISOString(); // 2026-06-01T12:00:00.000Z
  return der(
    0x17,
    text(
      `${iso.slice(2, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`,
    ),
  );
}

function extension(type: string, value: Uint8Array, critical = false): Uint8Array {
  return seq(oid(type), ...(critical ? [der(0x01, Uint8Array.of(0xff))] : []), der(0x04, value));
}

const ECDSA_SHA256 = seq(oid('1.2.840.10045.4.3.2'));

async function ecKeyPair() {
  return crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
}

/** r || s from Web Crypto as a DER `Ecdsa-Sig-Value` (RFC 3279 §2.2.3). */
function derEcdsa(raw: Uint8Array): Uint8Array {
  const integer = (bytes: Uint8Array) => {
    let start = 0;
    while (start < bytes.length - 1 && bytes[start] === 0) start++;
    const trimmed = bytes.subarray(start);
    return der(0x02, (trimmed[0] ?? 0) & 0x80 ? concatBytes([Uint8Array.of(0), trimmed]) : trimmed);
  };
  return seq(integer(raw.subarray(0, 32)), integer(raw.subarray(32)));
}

/** RFC 5280 §4.1: a v3 certificate signed with ECDSA P-256 / SHA-256. */
async function certificate(options: {
  issuer: Uint8Array;
  subject: Uint8Array;
  publicKey: Parameters<typeof crypto.subtle.exportKey>[1];
  signingKey: PrivateKey;
  extensions: Uint8Array[];
}): Promise<Uint8Array> {
  const now = Date.now();
  const serial = crypto.getRandomValues(new Uint8Array(8));
  serial[0] = (serial[0] ?? 0) & 0x7f;
  const spki = new Uint8Array(await crypto.subtle.exportKey('spki', options.publicKey));
  const tbs = seq(
    der(0xa0, der(0x02, Uint8Array.of(2))), // version v3
    der(0x02, serial),
    ECDSA_SHA256,
    options.issuer,
    seq(utcTime(new Date(now - 86_400_000)), utcTime(new Date(now + 365 * 86_400_000))),
    options.subject,
    spki,
    der(0xa3, seq(...options.extensions)),
  );
  const raw = new Uint8Array(
    await crypto.subtle.sign(
      { name: 'ECDSA', hash: 'SHA-256' },
      options.signingKey,
      tbs as Uint8Array<ArrayBuffer>,
    ),
  );
  return seq(tbs, ECDSA_SHA256, der(0x03, Uint8Array.of(0), derEcdsa(raw)));
}

function pem(certificateDer: Uint8Array): string {
  const base64 = base64urlEncode(certificateDer).replace(/-/g, '+').replace(/_/g, '/');
  const padded = base64 + '='.repeat((4 - (base64.length % 4)) % 4);
  const lines = padded.match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----`;
}

/**
 * Creates a software attestation CA (see `TestAttestationCa`). Each CA is its
 * own vendor: a leaf from another CA does not chain to this one's root.
 *
 * @example
 * const vendor = await createTestAttestationCa({ name: 'Acme Keys' });
 */
export async function createTestAttestationCa(
  options: {
    name?: string;
    /** `false`: leaf certificates without the AAGUID extension (one certificate for many models). */
    namesModel?: boolean;
  } = {},
): Promise<TestAttestationCa> {
  const organisation = options.name ?? 'Latchkey Test Vendor';
  const root = await ecKeyPair();
  const rootName = name({
    C: 'DE',
    O: organisation,
    OU: 'Authenticator Attestation CA',
    CN: `${organisation} Root`,
  });
  const rootDer = await certificate({
    issuer: rootName,
    subject: rootName,
    publicKey: root.publicKey,
    signingKey: root.privateKey,
    // RFC 5280 §4.2.1.9 basicConstraints: cA TRUE; §4.2.1.3 keyUsage: keyCertSign.
    extensions: [
      extension('2.5.29.19', seq(der(0x01, Uint8Array.of(0xff))), true),
      extension('2.5.29.15', der(0x03, Uint8Array.of(0x02, 0x04)), true),
    ],
  });
  return {
    rootPem: pem(rootDer),
    async leaf(aaguid) {
      const key = await ecKeyPair();
      const certificateDer = await certificate({
        issuer: rootName,
        // WebAuthn L3 §8.2.1: OU "Authenticator Attestation", CA false, the AAGUID extension.
        subject: name({
          C: 'DE',
          O: organisation,
          OU: 'Authenticator Attestation',
          CN: `${organisation} Model`,
        }),
        publicKey: key.publicKey,
        signingKey: root.privateKey,
        extensions: [
          extension('2.5.29.19', seq()),
          ...(options.namesModel === false
            ? []
            : [extension('1.3.6.1.4.1.45724.1.1.4', der(0x04, aaguid))]),
        ],
      });
      return { certificate: certificateDer, privateKey: key.privateKey };
    },
  };
}
