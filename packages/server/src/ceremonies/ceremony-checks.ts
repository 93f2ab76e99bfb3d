import { LatchkeyError } from '@latchkey/core';
import type { ResolvedConfig } from '../config/resolve-config.js';
import { sha256Bytes } from '../internal/crypto.js';
import { bytesEqual, type ClientData, parseClientData } from '../internal/webauthn-data.js';
import { isNativeBinding } from '../sessions/session-manager.js';
import type { ChallengeRecord } from '../stores/contract.js';

/**
 * WebAuthn L3 §7.1 steps 5-7 / §7.2 steps 10-11: parse `clientDataJSON` and
 * check its type ("webauthn.create" or "webauthn.get").
 */
export function checkClientDataType(
  clientDataJSON: string,
  type: 'webauthn.create' | 'webauthn.get',
): ClientData {
  const clientData = parseClientData(clientDataJSON);
  if (clientData?.type !== type) {
    throw new LatchkeyError(
      'VERIFICATION_FAILED',
      type === 'webauthn.create'
        ? 'The response is not a WebAuthn registration'
        : 'The response is not a WebAuthn assertion',
    );
  }
  return clientData;
}

/**
 * §7.1 step 9 / §7.2 steps 13-14: an expected origin, and no cross-origin
 * iframe. A challenge asked for with `Latchkey-Pre-Session` (a native app's
 * path, which skips the pre-session cookie and ends in a bearer session) takes
 * only a configured native origin (`android:apk-key-hash:…`): a browser signs
 * the page's web origin into clientDataJSON and cannot sign another, so a
 * browser page can never finish a ceremony on the header path.
 */
export function checkOrigin(
  clientData: ClientData,
  config: ResolvedConfig,
  challenge: Pick<ChallengeRecord, 'binding'>,
): void {
  if (!config.origins.includes(clientData.origin) || clientData.crossOrigin) {
    throw new LatchkeyError(
      'ORIGIN_MISMATCH',
      `Origin ${clientData.origin.slice(0, 100)} is not allowed`,
    );
  }
  if (isNativeBinding(challenge.binding) && config.webOrigins.has(clientData.origin)) {
    throw new LatchkeyError(
      'ORIGIN_MISMATCH',
      'Latchkey-Pre-Session is for native apps: a web page signs in with the pre-session cookie',
    );
  }
}

/**
 * §7.1 steps 13-15 / §7.2 steps 15-17: the RP ID hash, user presence, and user
 * verification when the policy requires it. `userPresence: 'optional'` only for
 * a conditional create's challenge (§7.1 step 14: "unless options.mediation is
 * set to conditional").
 */
export async function checkAuthenticatorFlags(
  data: { rpIdHash: Uint8Array; userPresent: boolean; userVerified: boolean },
  rpId: string,
  config: ResolvedConfig,
  userPresence: 'required' | 'optional' = 'required',
): Promise<void> {
  if (!bytesEqual(data.rpIdHash, await sha256Bytes(rpId))) {
    throw new LatchkeyError('RP_ID_MISMATCH', 'The passkey was made for another site');
  }
  if (!data.userPresent && userPresence === 'required')
    throw new LatchkeyError('VERIFICATION_FAILED', 'User presence is required');
  if (config.userVerification === 'required' && !data.userVerified) {
    throw new LatchkeyError(
      'USER_VERIFICATION_REQUIRED',
      'Unlock the passkey with a fingerprint, face or PIN',
    );
  }
}
