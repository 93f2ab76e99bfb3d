'use client';
import { base64urlEncode } from '@latchkey/core';

/** The client extension outputs Latchkey sends on the wire (WebAuthn L3 §5.1.4.1). */
export interface ClientExtensionResultsJSON {
  credProps?: { rk?: boolean };
  prf?: { enabled?: boolean; results?: { first: string; second?: string } };
}

/**
 * Turns `getClientExtensionResults()` into JSON: binary PRF outputs become
 * base64url (§10.1.4) and unknown members are dropped, because the server
 * schema refuses what it does not know.
 *
 * @example
 * clientExtensionResultsJSON({ credProps: { rk: true }, appid: false }) // { credProps: { rk: true } }
 */
export function clientExtensionResultsJSON(results: unknown): ClientExtensionResultsJSON {
  const raw = (results ?? {}) as {
    credProps?: { rk?: unknown };
    prf?: { enabled?: unknown; results?: { first?: BufferSource; second?: BufferSource } };
  };
  const json: ClientExtensionResultsJSON = {};
  if (raw.credProps) {
    json.credProps = typeof raw.credProps.rk === 'boolean' ? { rk: raw.credProps.rk } : {};
  }
  if (raw.prf) {
    const prf: NonNullable<ClientExtensionResultsJSON['prf']> = {};
    if (typeof raw.prf.enabled === 'boolean') prf.enabled = raw.prf.enabled;
    const first = raw.prf.results?.first;
    if (first) {
      const second = raw.prf.results?.second;
      prf.results = { first: encode(first) };
      if (second) prf.results.second = encode(second);
    }
    json.prf = prf;
  }
  return json;
}

/** Base64url of an `ArrayBuffer` or a view on one. */
export function encode(source: BufferSource): string {
  return base64urlEncode(
    // isView, not instanceof: buffers may come from another realm (an iframe, jsdom).
    ArrayBuffer.isView(source)
      ? new Uint8Array(source.buffer, source.byteOffset, source.byteLength)
      : new Uint8Array(source),
  );
}
