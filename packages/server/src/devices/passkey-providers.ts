import { defaultPasskeyName } from '@latchkey/core';
import vendored from './aaguids.json';

/** A passkey provider as the community AAGUID list names it. */
export interface PasskeyProvider {
  name: string;
  /** An SVG `data:` URI for light backgrounds; kept for common providers only. */
  icon?: string;
  /** The provider's icon for dark backgrounds, where the list has one that differs. */
  iconDark?: string;
}

/**
 * The community-maintained list of passkey provider AAGUIDs
 * (github.com/passkeydeveloper/passkey-authenticator-aaguids, MIT), trimmed and
 * vendored by `scripts/refresh-aaguids.mjs`; THIRD_PARTY_NOTICES.md records the version.
 */
const PROVIDERS: Readonly<Record<string, PasskeyProvider>> = vendored;

// WebAuthn L3 §5.4.7: with attestation "none" a client may replace the AAGUID with
// zeros, and many authenticators send zeros anyway, so zeros name no provider.
const ZERO_AAGUID = '00000000-0000-0000-0000-000000000000';

const AAGUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Names the passkey provider (password manager or platform) behind an AAGUID, from the
 * community list. The list exists to label passkeys for their owners: never base a
 * security decision on it (attestation, not this table, says what an authenticator is).
 *
 * @param aaguid - the AAGUID from the attested credential data (WebAuthn L3 §6.5.2), in
 *   8-4-4-4-12 form; letter case does not matter.
 * @returns a fresh `{ name, icon? }`, or `null` for the all-zero AAGUID, an unlisted one
 *   or a string that is not an AAGUID.
 * @throws {TypeError} when `aaguid` is not a string.
 *
 * @example
 * ```ts
 * passkeyProvider('EA9B8D66-4D01-1D21-3CE4-B6B48CB575D4');
 * // → { name: 'Google Password Manager', icon: 'data:image/svg+xml;base64,…' }
 * passkeyProvider('00000000-0000-0000-0000-000000000000'); // → null
 * ```
 */
export function passkeyProvider(aaguid: string): PasskeyProvider | null {
  if (typeof aaguid !== 'string') {
    throw new TypeError('passkeyProvider: aaguid must be a string');
  }
  const key = aaguid.toLowerCase();
  if (!AAGUID.test(key) || key === ZERO_AAGUID) return null;
  const entry = Object.hasOwn(PROVIDERS, key) ? PROVIDERS[key] : undefined;
  if (entry === undefined) return null;
  if (entry.icon === undefined) return { name: entry.name };
  return entry.iconDark === undefined
    ? { name: entry.name, icon: entry.icon }
    : { name: entry.name, icon: entry.icon, iconDark: entry.iconDark };
}

/**
 * The provider name to show for a new passkey: the community list's name for its
 * AAGUID, or, when the AAGUID is unknown or all zeros, a name read from the User-Agent
 * that made it ("Chrome on macOS").
 *
 * @param aaguid - the credential's AAGUID, any letter case.
 * @param userAgent - the `User-Agent` of the request that registered it, if any.
 * @throws {TypeError} when `aaguid` is not a string, or `userAgent` is neither a string,
 *   `null` nor `undefined`.
 *
 * @example
 * ```ts
 * passkeyProviderName('bada5566-a7aa-401f-bd96-45619a55120d', null); // → '1Password'
 * passkeyProviderName(
 *   '00000000-0000-0000-0000-000000000000',
 *   'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.0.0',
 * ); // → 'Edge on Windows'
 * ```
 */
export function passkeyProviderName(aaguid: string, userAgent: string | null | undefined): string {
  return passkeyProvider(aaguid)?.name ?? defaultPasskeyName(userAgent);
}
