import { LatchkeyError } from '@latchkey/core';
import {
  convertCertBufferToPEM,
  getCertificateInfo,
  isoUint8Array,
  validateCertificatePath,
} from '@simplewebauthn/server/helpers';
import type { ResolvedWebAuthnConfig } from '../config/resolve-webauthn-config.js';

/** FIDO `id-fido-gen-ce-aaguid`: the AAGUID an attestation certificate vouches for. */
const ID_FIDO_GEN_CE_AAGUID = '1.3.6.1.4.1.45724.1.1.4';
const NOT_ACCEPTED = 'This kind of passkey is not accepted here; use another authenticator';

/**
 * `config.webauthn.authenticators` at `register`, after the attestation
 * statement was verified (WebAuthn L3 §7.1 steps 21-24). The deny-list applies
 * to whatever AAGUID the authenticator reports. The allow-list asks more
 * (§7.1 step 23, "assess the attestation trustworthiness"): a certificate
 * chain (`x5c`, whose AAGUID extension SimpleWebAuthn matched to the
 * authenticator data, §8.2.1) that reaches one of the configured roots; with
 * `none` or self attestation, or an unanchored chain, the AAGUID is only what
 * the authenticator says. The leaf must name the AAGUID itself: a root that
 * vouches for several models must not let one pass for another.
 *
 * @example
 * await checkAuthenticatorPolicy(config.webauthn, { aaguid: info.aaguid, x5c: attStmt.get('x5c') });
 */
export async function checkAuthenticatorPolicy(
  policy: Pick<ResolvedWebAuthnConfig, 'allow' | 'deny' | 'roots'>,
  attested: { aaguid: string; x5c: readonly Uint8Array[] | undefined },
): Promise<void> {
  const aaguid = attested.aaguid.toLowerCase();
  if (policy.deny.has(aaguid)) throw new LatchkeyError('AUTHENTICATOR_NOT_ALLOWED', NOT_ACCEPTED);
  if (!policy.allow) return;
  if (!attested.x5c?.length) {
    throw new LatchkeyError(
      'AUTHENTICATOR_NOT_ALLOWED',
      'This authenticator did not prove its model (no attestation certificate); use an accepted security key',
    );
  }
  if (!policy.allow.has(aaguid)) throw new LatchkeyError('AUTHENTICATOR_NOT_ALLOWED', NOT_ACCEPTED);
  // The resolved config never has an allow-list without roots: with no anchors
  // SimpleWebAuthn would skip path validation.
  try {
    await validateCertificatePath(
      attested.x5c.map((cert) => convertCertBufferToPEM(cert as Uint8Array<ArrayBuffer>)),
      policy.roots,
    );
  } catch (cause) {
    throw new LatchkeyError(
      'AUTHENTICATOR_NOT_ALLOWED',
      'The attestation certificate does not chain to a trusted root',
      { cause },
    );
  }
  const leaf = getCertificateInfo(attested.x5c[0] as Uint8Array<ArrayBuffer>).parsedCertificate;
  const named = leaf.tbsCertificate.extensions?.find((e) => e.extnID === ID_FIDO_GEN_CE_AAGUID);
  // extnValue is the DER of an OCTET STRING holding the 16 AAGUID bytes.
  const value = named ? new Uint8Array(named.extnValue.buffer) : null;
  const expected = isoUint8Array.fromHex(aaguid.replace(/-/g, ''));
  if (!value || !isoUint8Array.areEqual(value.subarray(-16), expected) || value.length !== 18) {
    throw new LatchkeyError(
      'AUTHENTICATOR_NOT_ALLOWED',
      'The attestation certificate does not name this authenticator model',
    );
  }
}
