/**
 * A small CBOR encoder (RFC 8949) for what a software authenticator has to
 * write: attestation objects (WebAuthn L3 §6.5) and COSE keys (RFC 9052 §7).
 * Only the types those need are supported; there is no decoder on purpose, the
 * server side reads CBOR through `@simplewebauthn/server`.
 */

/**
 * A value the encoder can write. Maps take text or integer keys.
 *
 * @example
 * const coseKey: CborValue = new Map([[1, 2], [3, -7]]);
 */
export type CborValue =
  | number
  | string
  | boolean
  | null
  | Uint8Array
  | readonly CborValue[]
  | ReadonlyMap<number | string, CborValue>
  | { readonly [key: string]: CborValue };

// RFC 8949 §3.1: the major types.
const UNSIGNED = 0;
const NEGATIVE = 1;
const BYTES = 2;
const TEXT = 3;
const ARRAY = 4;
const MAP = 5;
const SIMPLE = 7;

const textEncoder = new TextEncoder();

/**
 * Encodes `value` as CBOR. Map entries are written in the CTAP2 canonical order
 * (CTAP 2.1 §8, "CTAP2 canonical CBOR encoding form": lower major type first,
 * then the shorter encoded key, then bytewise), so the same input always gives
 * the same bytes. Integers must be safe integers; floats are refused with a
 * `TypeError`.
 *
 * @example
 * encodeCbor(new Map([[1, 2], [3, -7]])) // Uint8Array [0xa2, 0x01, 0x02, 0x03, 0x26]
 * encodeCbor({ fmt: 'none', attStmt: {} })
 */
export function encodeCbor(value: CborValue): Uint8Array {
  const chunks: Uint8Array[] = [];
  write(value, chunks);
  return concatBytes(chunks);
}

function write(value: CborValue, out: Uint8Array[]): void {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value))
      throw new TypeError(`encodeCbor: ${value} is not a safe integer`);
    if (value >= 0) out.push(head(UNSIGNED, value));
    // RFC 8949 §3.1: a negative integer n is written as -1 - n.
    else out.push(head(NEGATIVE, -1 - value));
    return;
  }
  if (typeof value === 'string') {
    const bytes = textEncoder.encode(value);
    out.push(head(TEXT, bytes.length), bytes);
    return;
  }
  if (typeof value === 'boolean') {
    // RFC 8949 §3.3: simple values 20 (false) and 21 (true).
    out.push(Uint8Array.of((SIMPLE << 5) | (value ? 21 : 20)));
    return;
  }
  if (value === null) {
    out.push(Uint8Array.of((SIMPLE << 5) | 22));
    return;
  }
  if (value instanceof Uint8Array) {
    out.push(head(BYTES, value.length), value);
    return;
  }
  if (Array.isArray(value)) {
    const items = value as readonly CborValue[];
    out.push(head(ARRAY, items.length));
    for (const item of items) write(item, out);
    return;
  }
  const entries: [number | string, CborValue][] =
    value instanceof Map
      ? [...(value as ReadonlyMap<number | string, CborValue>).entries()]
      : Object.entries(value as { readonly [key: string]: CborValue });
  const encoded = entries.map(([key, item]) => ({ key: encodeCbor(key), item }));
  encoded.sort((a, b) => compareKeys(a.key, b.key));
  out.push(head(MAP, encoded.length));
  for (const { key, item } of encoded) {
    out.push(key);
    write(item, out);
  }
}

/** RFC 8949 §3: the initial byte and the argument, in the shortest form. */
function head(major: number, argument: number): Uint8Array {
  if (argument < 24) return Uint8Array.of((major << 5) | argument);
  if (argument < 0x100) return Uint8Array.of((major << 5) | 24, argument);
  if (argument < 0x10000) return Uint8Array.of((major << 5) | 25, argument >> 8, argument & 0xff);
  if (argument < 0x100000000) {
    const bytes = new Uint8Array(5);
    bytes[0] = (major << 5) | 26;
    new DataView(bytes.buffer).setUint32(1, argument);
    return bytes;
  }
  const bytes = new Uint8Array(9);
  bytes[0] = (major << 5) | 27;
  new DataView(bytes.buffer).setBigUint64(1, BigInt(argument));
  return bytes;
}

function compareKeys(a: Uint8Array, b: Uint8Array): number {
  const majorA = (a[0] ?? 0) >> 5;
  const majorB = (b[0] ?? 0) >> 5;
  if (majorA !== majorB) return majorA - majorB;
  if (a.length !== b.length) return a.length - b.length;
  for (let i = 0; i < a.length; i++) {
    const diff = (a[i] ?? 0) - (b[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

/**
 * Joins byte arrays into one.
 *
 * @example
 * concatBytes([Uint8Array.of(1), Uint8Array.of(2, 3)]) // Uint8Array [1, 2, 3]
 */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const total = parts.reduce((sum, part) => sum + part.length, 0);
  const result = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    result.set(part, offset);
    offset += part.length;
  }
  return result;
}
