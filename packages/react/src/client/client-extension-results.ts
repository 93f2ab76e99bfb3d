'use client';
import { base64urlEncode } from '@latchkey/core';

/** The client extension outputs Latchkey sends on the wire (WebAuthn L3 §5.1.4.1). */
export interface ClientExtensionResultsJSON {
  credProps?: { rk?: boolean };
  prf?: { enabled?: boolean };
  /** The outputs of the app's own extensions (the server config's `webauthn.extensions`). */
  [extension: string]: unknown;
}

/**
 * Turns `getClientExtensionResults()` into JSON with only what Latchkey reads
 * (`credProps.rk`, `prf.enabled`). PRF outputs (§10.1.4) are dropped: they are
 * the secret the user's data keys come from, and never go to the server.
 * Assertions use it as it is, which keeps sign-in and step-up small.
 *
 * @example
 * clientExtensionResultsJSON({ credProps: { rk: true }, appid: false }) // { credProps: { rk: true } }
 */
export function clientExtensionResultsJSON(results: unknown): ClientExtensionResultsJSON {
  const raw = (results ?? {}) as {
    credProps?: { rk?: unknown };
    prf?: { enabled?: unknown };
  };
  const json: ClientExtensionResultsJSON = {};
  if (raw.credProps) {
    json.credProps = typeof raw.credProps.rk === 'boolean' ? { rk: raw.credProps.rk } : {};
  }
  if (raw.prf) {
    json.prf = typeof raw.prf.enabled === 'boolean' ? { enabled: raw.prf.enabled } : {};
  }
  return json;
}

/**
 * `clientExtensionResultsJSON`, plus the outputs of the app's own extensions
 * (the server config's `webauthn.extensions.registration`) as JSON, binary as
 * base64url: what registration sends, so the server can hand the outputs its
 * config asked for to the app's hooks.
 *
 * @example
 * withAppExtensionResults({ credProps: { rk: true }, credBlob: true }) // { credBlob: true, credProps: { rk: true } }
 */
export function withAppExtensionResults(results: unknown): ClientExtensionResultsJSON {
  const { credProps: _, prf: __, ...own } = (results ?? {}) as Record<string, unknown>;
  return {
    ...JSON.parse(
      JSON.stringify(own, (_key, value) =>
        value instanceof ArrayBuffer || ArrayBuffer.isView(value)
          ? encode(value as BufferSource)
          : value,
      ),
    ),
    ...clientExtensionResultsJSON(results),
  };
}

/**
 * The server's extension inputs without PRF evaluation (WebAuthn L3 §10.1.4):
 * outside the kit's own PRF ceremonies a server must not make the
 * authenticator derive the user's keys. `prf: {}` alone (at creation, to learn
 * whether the passkey can) stays.
 *
 * @example
 * withoutPrfEval({ credProps: true, prf: { eval: { first: salt } } }) // { credProps: true, prf: {} }
 */
export function withoutPrfEval<T>(extensions: T): T {
  if (!extensions || !(extensions as { prf?: unknown }).prf) return extensions;
  return { ...extensions, prf: {} };
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
