import { createHash, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { base64urlDecode, base64urlEncode } from '@latchkey/core';
import { verifyAuthenticationResponse } from '@simplewebauthn/server';
import { describe, expect, it, vi } from 'vitest';
import { concatBytes, encodeCbor } from '../testing/cbor.js';
import { createTestAuthenticator } from '../testing/index.js';
import {
  type AssertionToVerify,
  type AssertionVerifier,
  createAssertionVerifier,
  derToP1363,
} from './assertion-verifier.js';

// The differential test: every generated assertion, valid or tampered, goes to
// both `createAssertionVerifier().verify` and SimpleWebAuthn's
// `verifyAuthenticationResponse`, which must agree on accept or refuse.

const RP_ID = 'login.example.com';
const ORIGIN = 'https://login.example.com';
const ORIGINS = [ORIGIN, 'https://app.example.com'];

/** mulberry32: a seeded PRNG, so a failing case can be found again. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = prng(0x5eed);
const pick = (n: number) => Math.floor(random() * n);

const sha256 = (data: Uint8Array | string) =>
  new Uint8Array(createHash('sha256').update(data).digest());
const text = (value: string) => new TextEncoder().encode(value);

type Alg = 'ES256' | 'RS256' | 'EdDSA';
interface Signer {
  alg: Alg;
  id: string;
  cose: Uint8Array;
  sign(data: Uint8Array): Uint8Array;
}

function coseOf(alg: Alg, publicKey: KeyObject): Uint8Array {
  const jwk = publicKey.export({ format: 'jwk' });
  const b = (value: string | undefined) => base64urlDecode(value ?? '');
  if (alg === 'ES256')
    return encodeCbor(
      new Map<number, number | Uint8Array>([
        [1, 2],
        [3, -7],
        [-1, 1],
        [-2, b(jwk.x)],
        [-3, b(jwk.y)],
      ]),
    );
  if (alg === 'RS256')
    return encodeCbor(
      new Map<number, number | Uint8Array>([
        [1, 3],
        [3, -257],
        [-1, b(jwk.n)],
        [-2, b(jwk.e)],
      ]),
    );
  return encodeCbor(
    new Map<number, number | Uint8Array>([
      [1, 1],
      [3, -8],
      [-1, 6],
      [-2, b(jwk.x)],
    ]),
  );
}

function newSigner(alg: Alg): Signer {
  const { privateKey, publicKey } =
    alg === 'ES256'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : alg === 'RS256'
        ? generateKeyPairSync('rsa', { modulusLength: 2048 })
        : generateKeyPairSync('ed25519');
  return {
    alg,
    id: base64urlEncode(crypto.getRandomValues(new Uint8Array(16))),
    cose: coseOf(alg, publicKey),
    sign: (data) => new Uint8Array(sign(alg === 'EdDSA' ? null : 'sha256', data, privateKey)),
  };
}

interface Spec {
  origin?: string;
  rpId?: string;
  challenge?: string;
  type?: string;
  flags?: number;
  counter?: number;
  /** Extra members of clientDataJSON (crossOrigin, topOrigin, tokenBinding…). */
  extra?: Record<string, unknown>;
  /** Raw clientDataJSON text instead of the JSON built from the spec. */
  clientDataText?: string;
  /** Bytes appended to authenticator data before signing. */
  tail?: Uint8Array;
}

const UP = 0x01;
const UV = 0x04;
const BE = 0x08;
const BS = 0x10;
const AT = 0x40;
const ED = 0x80;

interface Case {
  name: string;
  assertion: AssertionToVerify;
}

/** An assertion signed by `signer` over authenticator and client data made from `spec`. */
function signed(signer: Signer, challenge: string, spec: Spec = {}) {
  const counter = spec.counter ?? 0;
  const authData = concatBytes([
    sha256(spec.rpId ?? RP_ID),
    Uint8Array.of(spec.flags ?? UP | UV),
    Uint8Array.of(counter >>> 24, (counter >>> 16) & 0xff, (counter >>> 8) & 0xff, counter & 0xff),
    spec.tail ?? new Uint8Array(0),
  ]);
  const clientData = text(
    spec.clientDataText ??
      JSON.stringify({
        type: spec.type ?? 'webauthn.get',
        challenge: spec.challenge ?? challenge,
        origin: spec.origin ?? ORIGIN,
        crossOrigin: false,
        ...spec.extra,
      }),
  );
  const signature = signer.sign(concatBytes([authData, sha256(clientData)]));
  return { authData, clientData, signature };
}

function assertionOf(
  signer: Signer,
  challenge: string,
  parts: { authData: Uint8Array; clientData: Uint8Array; signature: Uint8Array },
  bend: {
    publicKey?: Uint8Array;
    storedCounter?: number;
    requireUserVerification?: boolean;
    expectedOrigin?: string | string[];
    fields?: Record<string, unknown>;
    response?: Record<string, unknown>;
  } = {},
): AssertionToVerify {
  return {
    response: {
      id: signer.id,
      rawId: signer.id,
      type: 'public-key',
      response: {
        clientDataJSON: base64urlEncode(parts.clientData),
        authenticatorData: base64urlEncode(parts.authData),
        signature: base64urlEncode(parts.signature),
        userHandle: 'dXNlcg',
        ...bend.response,
      },
      clientExtensionResults: {},
      ...bend.fields,
    } as AssertionToVerify['response'],
    expectedChallenge: challenge,
    expectedOrigin: bend.expectedOrigin ?? ORIGINS,
    expectedRPID: RP_ID,
    requireUserVerification: bend.requireUserVerification ?? true,
    credential: {
      id: signer.id,
      publicKey: bend.publicKey ?? signer.cose,
      counter: bend.storedCounter ?? 0,
    },
  };
}

/** DER `SEQUENCE { INTEGER r, INTEGER s }` from raw integers' content bytes. */
function der(r: Uint8Array, s: Uint8Array, tail: Uint8Array = new Uint8Array(0)): Uint8Array {
  const int = (v: Uint8Array) => concatBytes([Uint8Array.of(0x02, v.length), v]);
  const body = concatBytes([int(r), int(s), tail]);
  return concatBytes([Uint8Array.of(0x30, body.length), body]);
}
function derParts(signature: Uint8Array): [Uint8Array, Uint8Array] {
  const rLength = signature[3]!;
  const r = signature.subarray(4, 4 + rLength);
  const s = signature.subarray(6 + rLength, 6 + rLength + signature[5 + rLength]!);
  return [r, s];
}

function flipByte(bytes: Uint8Array): Uint8Array {
  const copy = bytes.slice();
  const at = pick(copy.length);
  copy[at] = copy[at]! ^ (1 << pick(8));
  return copy;
}

/** Every way this test bends an assertion made by `signer`. */
function casesFor(signer: Signer, others: Signer[]): Case[] {
  const challenge = base64urlEncode(crypto.getRandomValues(new Uint8Array(32)));
  const out: Case[] = [];
  const add = (name: string, assertion: AssertionToVerify) =>
    out.push({
      name: name.startsWith('~') ? `~${signer.alg} ${name.slice(1)}` : `${signer.alg} ${name}`,
      assertion,
    });
  const valid = signed(signer, challenge, { counter: 5 });
  const plain = (spec: Spec, bend: Parameters<typeof assertionOf>[3] = {}) =>
    assertionOf(signer, challenge, signed(signer, challenge, spec), bend);

  add('valid', assertionOf(signer, challenge, valid));
  add('valid, second origin', plain({ origin: ORIGINS[1] }));
  add('valid, expected origin as a string', plain({}, { expectedOrigin: ORIGIN }));
  add('valid, synced', plain({ flags: UP | UV | BE | BS }));
  add('valid, backup eligible', plain({ flags: UP | UV | BE }));
  add('valid, no UV when not required', plain({ flags: UP }, { requireUserVerification: false }));
  add('valid, counter grew', plain({ counter: 9 }, { storedCounter: 8 }));
  add('valid, extra client data', plain({ extra: { other_keys_can_be_added_here: 'x' } }));
  add('valid, crossOrigin without topOrigin', plain({ extra: { crossOrigin: true } }));
  add('valid, token binding', plain({ extra: { tokenBinding: { status: 'present' } } }));
  add(
    'valid, no userHandle',
    assertionOf(signer, challenge, valid, { response: { userHandle: undefined } }),
  );
  add('valid, extensions', plain({ flags: UP | UV | ED, tail: encodeCbor({ credProtect: 1 }) }));
  // Signed, but a check other than the signature must refuse it.
  add('other origin', plain({ origin: 'https://evil.example' }));
  add('origin with a path', plain({ origin: `${ORIGIN}/` }));
  add('other RP ID', plain({ rpId: 'evil.example' }));
  add('other challenge', plain({ challenge: base64urlEncode(new Uint8Array(32)) }));
  add('type webauthn.create', plain({ type: 'webauthn.create' }));
  add('type missing', plain({ extra: { type: undefined } }));
  add('no UP', plain({ flags: UV }));
  add('no UV', plain({ flags: UP }));
  add('no flags', plain({ flags: 0 }));
  add('BS without BE', plain({ flags: UP | UV | BS }));
  add('counter equal', plain({ counter: 7 }, { storedCounter: 7 }));
  add('counter lower', plain({ counter: 3 }, { storedCounter: 7 }));
  add('counter zero after non-zero', plain({ counter: 0 }, { storedCounter: 1 }));
  add(
    'topOrigin, cross-origin',
    plain({ extra: { crossOrigin: true, topOrigin: 'https://a.example' } }),
  );
  add('topOrigin, same-origin', plain({ extra: { topOrigin: ORIGIN } }));
  add('token binding bad status', plain({ extra: { tokenBinding: { status: 'nope' } } }));
  add('token binding not an object', plain({ extra: { tokenBinding: 'present' } }));
  add('client data null', plain({ clientDataText: 'null' }));
  add('client data array', plain({ clientDataText: '[1,2]' }));
  add('client data not JSON', plain({ clientDataText: '{"type":"webauthn.get",' }));
  add('client data number', plain({ clientDataText: '7' }));
  add('AT flag without data', plain({ flags: UP | UV | AT }));
  add('ED flag without data', plain({ flags: UP | UV | ED }));
  add('ED flag, malformed CBOR', plain({ flags: UP | UV | ED, tail: Uint8Array.of(0xa1, 0x01) }));
  add('trailing byte', plain({ tail: Uint8Array.of(0) }));
  add(
    'userHandle a number',
    assertionOf(signer, challenge, valid, { response: { userHandle: 7 } }),
  );
  add('id and rawId differ', assertionOf(signer, challenge, valid, { fields: { rawId: 'AAAA' } }));
  add('empty id', assertionOf(signer, challenge, valid, { fields: { id: '', rawId: '' } }));
  add('type not public-key', assertionOf(signer, challenge, valid, { fields: { type: 'secret' } }));
  // Tampered after signing.
  // A flip in an ES256 signature's DER header can leave a form SimpleWebAuthn still reads.
  add(
    `${signer.alg === 'ES256' ? '~' : ''}signature bit flipped`,
    assertionOf(signer, challenge, { ...valid, signature: flipByte(valid.signature) }),
  );
  const lastBytes = valid.signature.slice();
  lastBytes[lastBytes.length - 1 - pick(16)]! ^= 1 << pick(8);
  add(
    'signature value bit flipped',
    assertionOf(signer, challenge, { ...valid, signature: lastBytes }),
  );
  add(
    'signature truncated',
    assertionOf(signer, challenge, {
      ...valid,
      signature: valid.signature.subarray(0, valid.signature.length - 1 - pick(8)),
    }),
  );
  add(
    '~signature extended',
    assertionOf(signer, challenge, {
      ...valid,
      signature: concatBytes([valid.signature, Uint8Array.of(0)]),
    }),
  );
  add(
    'signature empty',
    assertionOf(signer, challenge, { ...valid, signature: new Uint8Array(0) }),
  );
  add(
    'authData bit flipped',
    assertionOf(signer, challenge, { ...valid, authData: flipByte(valid.authData) }),
  );
  add(
    'authData truncated',
    assertionOf(signer, challenge, { ...valid, authData: valid.authData.subarray(0, pick(37)) }),
  );
  add(
    'clientData bit flipped',
    assertionOf(signer, challenge, { ...valid, clientData: flipByte(valid.clientData) }),
  );
  add(
    'bad UTF-8 in client data',
    assertionOf(signer, challenge, {
      ...valid,
      clientData: concatBytes([
        valid.clientData.subarray(0, 20),
        Uint8Array.of(0xff),
        valid.clientData.subarray(21),
      ]),
    }),
  );
  const b64 = (bytes: Uint8Array) => base64urlEncode(bytes);
  add(
    '~padded base64url',
    assertionOf(signer, challenge, valid, {
      response: {
        authenticatorData: `${b64(valid.authData)}==`,
        signature: `${b64(valid.signature)}=`,
      },
    }),
  );
  add(
    '~base64 not url',
    assertionOf(signer, challenge, valid, {
      response: { signature: b64(valid.signature).replace(/-/g, '+').replace(/_/g, '/') },
    }),
  );
  add(
    '~base64url with junk',
    assertionOf(signer, challenge, valid, {
      response: { clientDataJSON: `${b64(valid.clientData)}!` },
    }),
  );
  add(
    'authData not a string',
    assertionOf(signer, challenge, valid, { response: { authenticatorData: 7 } }),
  );
  // The stored key: another one, another algorithm, or bytes that are no key.
  const other = others[pick(others.length)]!;
  add(
    `stored key of another ${other.alg} credential`,
    assertionOf(signer, challenge, valid, { publicKey: other.cose }),
  );
  add(
    'signed by another key',
    assertionOf(signer, challenge, {
      ...valid,
      signature: other.sign(concatBytes([valid.authData, sha256(valid.clientData)])),
    }),
  );
  const cose = new Map<number, unknown>();
  // Re-read the stored key's members with the known layout (map of small ints to ints/bytes).
  for (const [label, value] of decodeSimpleCose(signer.cose)) cose.set(label, value);
  const recoded = (changes: [number, unknown][]) => {
    const copy = new Map(cose);
    for (const [label, value] of changes) {
      if (value === undefined) copy.delete(label);
      else copy.set(label, value);
    }
    return encodeCbor(copy as never);
  };
  for (const alg of [-7, -35, -36, -257, -37, -8, -47, 0, 999]) {
    if (alg !== cose.get(3))
      add(
        `~key alg ${alg}`,
        assertionOf(signer, challenge, valid, { publicKey: recoded([[3, alg]]) }),
      );
  }
  for (const kty of [1, 2, 3, 4]) {
    if (kty !== cose.get(1))
      add(
        `~key kty ${kty}`,
        assertionOf(signer, challenge, valid, { publicKey: recoded([[1, kty]]) }),
      );
  }
  add(
    'key without alg',
    assertionOf(signer, challenge, valid, { publicKey: recoded([[3, undefined]]) }),
  );
  add(
    '~key alg as text',
    assertionOf(signer, challenge, valid, { publicKey: recoded([[3, 'ES256']]) }),
  );
  if (signer.alg !== 'RS256') {
    add('key crv 2', assertionOf(signer, challenge, valid, { publicKey: recoded([[-1, 2]]) }));
    add(
      'key x short',
      assertionOf(signer, challenge, valid, {
        publicKey: recoded([[-2, (cose.get(-2) as Uint8Array).subarray(1)]]),
      }),
    );
    add(
      'key x flipped',
      assertionOf(signer, challenge, valid, {
        publicKey: recoded([[-2, flipByte(cose.get(-2) as Uint8Array)]]),
      }),
    );
  } else {
    add(
      'key n flipped',
      assertionOf(signer, challenge, valid, {
        publicKey: recoded([[-1, flipByte(cose.get(-1) as Uint8Array)]]),
      }),
    );
    add(
      'key e 3',
      assertionOf(signer, challenge, valid, { publicKey: recoded([[-2, Uint8Array.of(3)]]) }),
    );
  }
  add(
    'key CBOR truncated',
    assertionOf(signer, challenge, valid, {
      publicKey: signer.cose.subarray(0, pick(signer.cose.length)),
    }),
  );
  add(
    '~key CBOR bit flipped',
    assertionOf(signer, challenge, valid, { publicKey: flipByte(signer.cose) }),
  );
  add(
    'valid, key with trailing bytes',
    assertionOf(signer, challenge, valid, {
      publicKey: concatBytes([signer.cose, Uint8Array.of(0, 1)]),
    }),
  );
  add(
    'key is garbage',
    assertionOf(signer, challenge, valid, {
      publicKey: crypto.getRandomValues(new Uint8Array(1 + pick(80))),
    }),
  );
  // ES256 signatures: DER in every shape.
  if (signer.alg === 'ES256') {
    const [r, s] = derParts(valid.signature);
    const raw = derToP1363(valid.signature)!;
    add(
      'valid, DER re-encoded',
      assertionOf(signer, challenge, { ...valid, signature: der(r, s) }),
    );
    add('raw r||s instead of DER', assertionOf(signer, challenge, { ...valid, signature: raw }));
    // SimpleWebAuthn reads r and s as unsigned and pads short ones: some non-DER forms pass.
    const padded = (v: Uint8Array) => (v.length < 32 ? 'valid, ' : '');
    add(
      `${padded(r)}DER r with an extra 00`,
      assertionOf(signer, challenge, {
        ...valid,
        signature: der(concatBytes([Uint8Array.of(0), r]), s),
      }),
    );
    add(
      `${padded(s)}DER s with an extra 00`,
      assertionOf(signer, challenge, {
        ...valid,
        signature: der(r, concatBytes([Uint8Array.of(0), s])),
      }),
    );
    if (r[0] === 0)
      add(
        'valid, DER r without its 00 (negative)',
        assertionOf(signer, challenge, { ...valid, signature: der(r.subarray(1), s) }),
      );
    add('DER r and s swapped', assertionOf(signer, challenge, { ...valid, signature: der(s, r) }));
    add(
      '~DER with trailing bytes',
      assertionOf(signer, challenge, {
        ...valid,
        signature: concatBytes([valid.signature, Uint8Array.of(0x05, 0x00)]),
      }),
    );
    add(
      '~DER with an element after s',
      assertionOf(signer, challenge, { ...valid, signature: der(r, s, Uint8Array.of(0x05, 0x00)) }),
    );
    add(
      '~DER sequence length off',
      assertionOf(signer, challenge, {
        ...valid,
        signature: concatBytes([
          Uint8Array.of(0x30, valid.signature[1]! + 1),
          valid.signature.subarray(2),
        ]),
      }),
    );
    add(
      '~DER long-form length',
      assertionOf(signer, challenge, {
        ...valid,
        signature: concatBytes([
          Uint8Array.of(0x30, 0x81, valid.signature[1]!),
          valid.signature.subarray(2),
        ]),
      }),
    );
    add(
      'DER r = 0',
      assertionOf(signer, challenge, { ...valid, signature: der(Uint8Array.of(0), s) }),
    );
    add(
      'valid, DER high S (n - s)',
      assertionOf(signer, challenge, { ...valid, signature: highS(valid.signature) }),
    );
    add(
      '~DER tag not INTEGER',
      assertionOf(signer, challenge, {
        ...valid,
        signature: (() => {
          const c = valid.signature.slice();
          c[2] = 0x03;
          return c;
        })(),
      }),
    );
  }
  return out;
}

/** Reads the flat COSE maps this test writes (small int keys; int or byte-string values). */
function decodeSimpleCose(bytes: Uint8Array): Map<number, unknown> {
  let at = 0;
  const readHead = () => {
    const initial = bytes[at++]!;
    const major = initial >> 5;
    let value = initial & 0x1f;
    if (value === 24) value = bytes[at++]!;
    else if (value === 25) value = (bytes[at++]! << 8) | bytes[at++]!;
    return { major, value };
  };
  const readItem = (): number | Uint8Array => {
    const { major, value } = readHead();
    if (major === 0) return value;
    if (major === 1) return -1 - value;
    const out = bytes.subarray(at, at + value);
    at += value;
    return out;
  };
  const { value: size } = readHead();
  const map = new Map<number, unknown>();
  for (let i = 0; i < size; i++) map.set(readItem() as number, readItem());
  return map;
}

const P256_N = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');
/** The other valid signature (r, n − s): SimpleWebAuthn does not require low S, nor does Latchkey. */
function highS(signature: Uint8Array): Uint8Array {
  const [r, s] = derParts(signature);
  const value = P256_N - BigInt(`0x${Buffer.from(s).toString('hex')}`);
  let hex = value.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  let bytes: Uint8Array = Uint8Array.from(Buffer.from(hex, 'hex'));
  if (bytes[0]! & 0x80) bytes = concatBytes([Uint8Array.of(0), bytes]);
  return der(r, bytes);
}

/** Assertions from the package's software authenticator (ES256), bent through its overrides. */
async function authenticatorCases(rounds: number): Promise<Case[]> {
  const out: Case[] = [];
  for (let round = 0; round < rounds; round++) {
    const authenticator = createTestAuthenticator({
      origin: ORIGIN,
      backupEligible: round % 2 === 0,
    });
    const registration = await authenticator.register({
      challenge: base64urlEncode(new Uint8Array(32)),
      rp: { id: RP_ID, name: 'Example' },
      user: { id: 'dXNlcg', name: 'ada', displayName: 'Ada' },
      pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
    } as never);
    // The COSE key ends the registration's authenticator data (no extensions).
    const authData = base64urlDecode(registration.response.authenticatorData!);
    const idLength = (authData[53]! << 8) | authData[54]!;
    const publicKey = authData.subarray(55 + idLength);
    const bends: [string, Record<string, unknown>, number?][] = [
      ['valid', {}],
      ['valid, counter grew', {}, 0],
      ['other origin', { origin: 'https://evil.example' }],
      ['other RP ID', { rpId: 'evil.example' }],
      ['other challenge', { challenge: base64urlEncode(new Uint8Array(32).fill(1)) }],
      ['type webauthn.create', { type: 'webauthn.create' }],
      ['no UV', { userVerified: false }],
      ['no UP', { userPresent: false }],
      ['BS without BE', { backupEligible: false, backupState: true }],
      ['counter replayed', { counter: 1 }, 1],
      ['cross-origin with topOrigin', { crossOrigin: true, topOrigin: 'https://evil.example' }],
      ['tampered signature', { tamperSignature: true }],
    ];
    for (const [name, overrides, storedCounter] of bends) {
      const challenge = base64urlEncode(crypto.getRandomValues(new Uint8Array(32)));
      const response = await authenticator.authenticate(
        { challenge, rpId: RP_ID, allowCredentials: [] } as never,
        overrides,
      );
      out.push({
        name: `authenticator ${name}`,
        assertion: {
          response: response as AssertionToVerify['response'],
          expectedChallenge: challenge,
          expectedOrigin: ORIGINS,
          expectedRPID: RP_ID,
          requireUserVerification: true,
          credential: { id: response.id, publicKey, counter: storedCounter ?? 0 },
        },
      });
    }
  }
  return out;
}

type Verdict = { accepted: boolean; info?: Record<string, unknown> };
async function verdict(
  run: () => Promise<{ verified: boolean; authenticationInfo: object }>,
): Promise<Verdict> {
  try {
    const result = await run();
    if (!result.verified) return { accepted: false };
    const { newCounter, credentialBackedUp, credentialDeviceType, userVerified, origin, rpID } =
      result.authenticationInfo as Record<string, unknown>;
    return {
      accepted: true,
      info: { newCounter, credentialBackedUp, credentialDeviceType, userVerified, origin, rpID },
    };
  } catch {
    return { accepted: false };
  }
}

/** Feeds every case to both verifiers; they must agree, and each case must mean its name. */
async function expectAgreement(verifier: AssertionVerifier, cases: Case[]): Promise<void> {
  const disagreements: string[] = [];
  const tally = new Map<string, { accepted: number; refused: number }>();
  for (const { name, assertion } of cases) {
    // SimpleWebAuthn gets its own copy: nothing either side does can leak to the other.
    const theirs = await verdict(() =>
      verifyAuthenticationResponse(structuredClone(assertion) as never),
    );
    const ours = await verdict(() => verifier.verify(assertion));
    if (
      ours.accepted !== theirs.accepted ||
      JSON.stringify(ours.info) !== JSON.stringify(theirs.info)
    ) {
      disagreements.push(
        `${name}: ours ${JSON.stringify(ours)}, SimpleWebAuthn ${JSON.stringify(theirs)}`,
      );
    }
    const count = tally.get(name) ?? { accepted: 0, refused: 0 };
    count[theirs.accepted ? 'accepted' : 'refused']++;
    tally.set(name, count);
  }
  if (disagreements.length) console.error(disagreements.slice(0, 20).join('\n'));
  expect(disagreements.slice(0, 20)).toEqual([]);
  // The cases mean what their names say: valid ones pass, the rest are refused.
  for (const [name, { accepted, refused }] of tally) {
    if (/^~/.test(name)) continue; // whatever SimpleWebAuthn says, compared above
    if (/\bvalid\b/.test(name)) expect({ name, refused }).toEqual({ name, refused: 0 });
    else expect({ name, accepted }).toEqual({ name, accepted: 0 });
  }
}

describe('the assertion verifier against SimpleWebAuthn', () => {
  it('agrees on ≥ 10,000 valid and tampered assertions, and decides most without SimpleWebAuthn', async () => {
    const signers = [
      ...Array.from({ length: 6 }, () => newSigner('ES256')),
      ...Array.from({ length: 3 }, () => newSigner('RS256')),
      ...Array.from({ length: 4 }, () => newSigner('EdDSA')),
    ];
    const verifier = createAssertionVerifier(8);
    const cases: Case[] = await authenticatorCases(40);
    // Every single-bit flip of a few signatures, DER headers included.
    for (const signer of [signers[0]!, signers[6]!, signers[9]!]) {
      const challenge = base64urlEncode(new Uint8Array(32).fill(7));
      const valid = signed(signer, challenge);
      for (let at = 0; at < valid.signature.length; at++) {
        for (let bit = 0; bit < 8; bit++) {
          const signature = valid.signature.slice();
          signature[at]! ^= 1 << bit;
          const name = `${signer.alg === 'ES256' ? '~' : ''}${signer.alg} one bit flipped`;
          cases.push({ name, assertion: assertionOf(signer, challenge, { ...valid, signature }) });
        }
      }
    }
    for (let round = 0; cases.length < 10_000; round++) {
      const signer = signers[round % signers.length]!;
      cases.push(
        ...casesFor(
          signer,
          signers.filter((other) => other !== signer),
        ),
      );
    }
    await expectAgreement(verifier, cases);
    expect(cases.length).toBeGreaterThanOrEqual(10_000);
    // The fast path decided most of them (the rest: shapes it leaves to SimpleWebAuthn).
    expect(verifier.stats.fast + verifier.stats.fallback).toBe(cases.length);
    expect(verifier.stats.fast / cases.length).toBeGreaterThan(0.6);
    expect(verifier.size).toBeLessThanOrEqual(8);
  }, 180_000);
});

describe('the assertion verifier on Web Crypto', () => {
  it('agrees with SimpleWebAuthn where node:crypto is missing', async () => {
    const original = process.getBuiltinModule;
    vi.resetModules();
    Object.defineProperty(process, 'getBuiltinModule', { value: undefined, configurable: true });
    try {
      const { cryptoBackend } = await import('../internal/crypto.js');
      const web = await import('./assertion-verifier.js');
      expect(cryptoBackend).toBe('web');
      const signers = [newSigner('ES256'), newSigner('RS256'), newSigner('EdDSA')];
      const cases: Case[] = [];
      for (let round = 0; round < 6; round++) {
        const signer = signers[round % signers.length]!;
        cases.push(
          ...casesFor(
            signer,
            signers.filter((other) => other !== signer),
          ),
        );
      }
      const verifier = web.createAssertionVerifier();
      await expectAgreement(verifier, cases);
      expect(verifier.stats.fast / cases.length).toBeGreaterThan(0.5);
    } finally {
      Object.defineProperty(process, 'getBuiltinModule', { value: original, configurable: true });
      vi.resetModules();
    }
  }, 60_000);
});

describe('derToP1363', () => {
  const int = (length: number, first: number) =>
    Uint8Array.from({ length }, (_, i) => (i === 0 ? first : 0x11));
  it('reads canonical DER and pads short integers', () => {
    const out = derToP1363(
      der(
        int(33, 0).map((v, i) => (i === 1 ? 0x81 : v)),
        int(31, 0x22),
      ),
    )!;
    expect(out.length).toBe(64);
    expect([out[0], out[1], out[32], out[33]]).toEqual([0x81, 0x11, 0x00, 0x22]);
  });
  it('refuses every other form', () => {
    const good = int(32, 0x11);
    for (const bad of [
      der(int(33, 0x01), good), // 33 bytes not led by 00: more than 256 bits
      der(int(33, 0x00), good), // 00 before a byte without its top bit: not minimal
      der(int(32, 0x81), good), // negative
      der(int(34, 0x00), good),
      der(new Uint8Array(0), good),
      concatBytes([der(good, good), Uint8Array.of(0)]),
      der(good, good).subarray(0, 40),
      Uint8Array.of(0x31, ...der(good, good).subarray(1)),
    ]) {
      expect(derToP1363(bad)).toBeUndefined();
    }
  });
});

describe('the key cache', () => {
  it('imports a key once, never trusts it for other bytes, and forgets it', async () => {
    const [first, second] = [newSigner('ES256'), newSigner('ES256')];
    const verifier = createAssertionVerifier(2);
    const challenge = 'Y2hhbGxlbmdl';
    const ok = assertionOf(first!, challenge, signed(first!, challenge));
    expect((await verifier.verify(ok)).verified).toBe(true);
    expect(verifier.size).toBe(1);
    // Same credential id, another public key: the cached key must not verify it.
    const swapped = { ...ok, credential: { ...ok.credential, publicKey: second!.cose } };
    expect((await verifier.verify(swapped)).verified).toBe(false);
    expect((await verifier.verify(ok)).verified).toBe(true);
    verifier.forget(first!.id);
    expect(verifier.size).toBe(0);
    // Bounded: the least recently used goes first.
    for (const signer of [first!, second!, newSigner('EdDSA')]) {
      const c = 'b3RoZXI';
      await verifier.verify(assertionOf(signer, c, signed(signer, c)));
    }
    expect(verifier.size).toBe(2);
    expect(verifier.stats.fallback).toBe(0);
  });
});
