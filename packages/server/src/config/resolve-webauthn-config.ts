import { DEFAULT_ALGORITHMS, KNOWN_ALGORITHMS } from '../ceremonies/algorithms.js';
import type { WebAuthnConfig, WebAuthnHint } from './latchkey-config.js';

export interface ResolvedWebAuthnConfig {
  residentKey: 'required' | 'preferred' | 'discouraged';
  authenticatorAttachment: 'platform' | 'cross-platform' | undefined;
  hints: WebAuthnHint[] | undefined;
  attestation: 'none' | 'direct' | 'enterprise';
  /** Lower-case AAGUIDs; `null` when there is no allow-list. */
  allow: Set<string> | null;
  deny: Set<string>;
  /** PEM attestation roots an allow-listed chain must reach (non-empty with `allow`). */
  roots: string[];
  extensions: { registration: Record<string, unknown>; authentication: Record<string, unknown> };
  /** COSE algorithm identifiers, most preferred first. */
  algorithms: number[];
}

/** The extensions Latchkey sets itself and relies on (§10.1.3 credProps, §10.1.4 prf). */
const OWN_EXTENSIONS = ['prf', 'credProps'];
const HINTS: readonly WebAuthnHint[] = ['security-key', 'client-device', 'hybrid'];
const PEM = /^-----BEGIN CERTIFICATE-----\s[A-Za-z0-9+/=\s]+-----END CERTIFICATE-----$/;
const AAGUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function fail(field: string, expected: string): never {
  throw new TypeError(`createLatchkey: config.webauthn.${field} ${expected}`);
}

function oneOf<T extends string>(value: unknown, field: string, allowed: readonly T[]): T {
  if (!allowed.includes(value as T))
    fail(field, `must be ${allowed.map((a) => `'${a}'`).join(', ')} or unset`);
  return value as T;
}

/**
 * The hints of a list (WebAuthn L3 §5.8.7), or a message naming what is wrong:
 * used for the config and for a register-options request's own hints.
 *
 * @example
 * checkHints(['security-key']) // null
 */
export function checkHints(hints: unknown): string | null {
  if (!Array.isArray(hints)) return 'must be an array';
  if (hints.some((h) => !HINTS.includes(h))) return `may hold only ${HINTS.join(', ')}`;
  if (new Set(hints).size !== hints.length) return 'must not repeat a hint';
  return null;
}

function aaguids(list: unknown, field: string): Set<string> {
  if (!Array.isArray(list)) fail(field, 'must be an array of AAGUIDs');
  return new Set(
    list.map((value, i) => {
      const aaguid = typeof value === 'string' ? value.toLowerCase() : '';
      if (!AAGUID.test(aaguid))
        fail(`${field}[${i}]`, 'must be an AAGUID like 0ea242b4-43c4-4a1b-8b17-dd6d0b6baec6');
      return aaguid;
    }),
  );
}

function pemCertificates(list: unknown): string[] {
  if (!Array.isArray(list)) fail('authenticators.roots', 'must be an array of PEM certificates');
  return list.map((pem, i) => {
    if (typeof pem !== 'string' || !PEM.test(pem.trim()))
      fail(
        `authenticators.roots[${i}]`,
        'must be a PEM certificate (-----BEGIN CERTIFICATE-----…)',
      );
    return pem.trim();
  });
}

function extensionInputs(value: unknown, field: string): Record<string, unknown> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    fail(field, 'must be an object of extension inputs');
  for (const name of Object.keys(value)) {
    if (OWN_EXTENSIONS.includes(name))
      fail(`${field}.${name}`, 'is set by Latchkey itself and cannot be changed');
  }
  try {
    JSON.stringify(value);
  } catch {
    fail(field, 'must be JSON (it is sent to the browser as it is)');
  }
  return value as Record<string, unknown>;
}

function algorithms(list: unknown): number[] {
  if (list === undefined) return [...DEFAULT_ALGORITHMS];
  if (!Array.isArray(list) || list.length === 0)
    fail('algorithms', 'must be a non-empty array of COSE algorithm identifiers');
  for (const [i, alg] of list.entries()) {
    if (!KNOWN_ALGORITHMS.includes(alg))
      fail(`algorithms[${i}]`, `must be one of ${KNOWN_ALGORITHMS.join(', ')}`);
  }
  if (new Set(list).size !== list.length) fail('algorithms', 'must not repeat an algorithm');
  return [...list];
}

/**
 * Checks `config.webauthn` at start and fills in defaults; a wrong field throws
 * a `TypeError` that names it.
 *
 * @example
 * resolveWebAuthnConfig({ residentKey: 'preferred', hints: ['security-key'] })
 */
export function resolveWebAuthnConfig(config: WebAuthnConfig | undefined): ResolvedWebAuthnConfig {
  if (config !== undefined && (typeof config !== 'object' || config === null))
    throw new TypeError('createLatchkey: config.webauthn must be an object');
  const c = config ?? {};
  const residentKey = oneOf(c.residentKey ?? 'required', 'residentKey', [
    'required',
    'preferred',
    'discouraged',
  ]);
  const authenticatorAttachment =
    c.authenticatorAttachment === undefined
      ? undefined
      : oneOf(c.authenticatorAttachment, 'authenticatorAttachment', ['platform', 'cross-platform']);
  let hints: WebAuthnHint[] | undefined;
  if (c.hints !== undefined) {
    const problem = checkHints(c.hints);
    if (problem) fail('hints', problem);
    hints = [...c.hints];
  }
  const attestation = oneOf(c.attestation ?? 'none', 'attestation', [
    'none',
    'direct',
    'enterprise',
  ]);

  const policy = c.authenticators ?? {};
  if (typeof policy !== 'object' || policy === null)
    fail('authenticators', 'must be an object with allow and/or deny');
  const allow = policy.allow === undefined ? null : aaguids(policy.allow, 'authenticators.allow');
  const deny =
    policy.deny === undefined ? new Set<string>() : aaguids(policy.deny, 'authenticators.deny');
  if (allow && allow.size === 0) fail('authenticators.allow', 'must name at least one AAGUID');
  // Without a verified statement an AAGUID is only what the authenticator says
  // (WebAuthn L3 §6.5.1): an allow-list of self-reported values is no promise.
  if (allow && attestation === 'none')
    fail(
      'authenticators.allow',
      "needs attestation: 'direct' or 'enterprise' (an AAGUID is only trusted when attested)",
    );
  const roots = policy.roots === undefined ? [] : pemCertificates(policy.roots);
  // An empty list of anchors would skip path validation (a self-made certificate passes).
  if (allow && roots.length === 0)
    fail(
      'authenticators.roots',
      'must name the attestation root certificates (PEM) the allow-list trusts',
    );

  const ext = c.extensions ?? {};
  if (typeof ext !== 'object' || ext === null)
    fail('extensions', 'must be an object with registration and/or authentication');
  return {
    residentKey,
    authenticatorAttachment,
    hints,
    attestation,
    allow,
    deny,
    roots,
    extensions: {
      registration: extensionInputs(ext.registration, 'extensions.registration'),
      authentication: extensionInputs(ext.authentication, 'extensions.authentication'),
    },
    algorithms: algorithms(c.algorithms),
  };
}
