import { LatchkeyError } from '@latchkey/core';

/** The most JSON of extension outputs handed to the app's hooks (and kept in the audit log). */
const MAX_RESULTS_JSON = 4096;

/**
 * The client extension outputs (WebAuthn L3 §5.1.4.1) of the extensions the app
 * added in `config.webauthn.extensions`, for its hooks: nothing else the client
 * sent is passed on or stored (Latchkey's own `prf` and `credProps` never, since
 * the config cannot name them). Null when the app added none or none answered.
 * Outputs over 4 KB of JSON are refused with `INVALID_BODY` before any write.
 *
 * @example
 * appExtensionResults(response.clientExtensionResults, config.webauthn.extensions.registration)
 */
export function appExtensionResults(
  results: Record<string, unknown>,
  requested: Record<string, unknown>,
): Record<string, unknown> | null {
  const picked: Record<string, unknown> = {};
  for (const name of Object.keys(requested)) {
    if (Object.hasOwn(results, name)) picked[name] = results[name];
  }
  if (Object.keys(picked).length === 0) return null;
  if (JSON.stringify(picked).length > MAX_RESULTS_JSON)
    throw new LatchkeyError('INVALID_BODY', 'The extension outputs are too large');
  return picked;
}
