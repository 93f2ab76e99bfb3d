import { type AuthenticationResponseJSON, base64urlDecode, LatchkeyError } from '@latchkey/core';
import type { RequestContext } from '../http/request-context.js';
import { parseAuthenticatorDataHead } from '../internal/webauthn-data.js';
import type { Services } from '../services.js';
import type {
  ChallengeRecord,
  CredentialRecord,
  CredentialUse,
  UserRecord,
} from '../stores/contract.js';
import { startAssertion } from '../stores/sign-in-steps.js';
import { checkAuthenticatorFlags, checkClientDataType, checkOrigin } from './ceremony-checks.js';
import { checkChallenge } from './challenges.js';

export interface VerifiedAssertion {
  credential: CredentialRecord;
  user: UserRecord;
  challenge: ChallengeRecord;
}

/**
 * Stores a verified assertion's use of its passkey, with whatever the ceremony
 * writes beside it (a sign-in's session), as a compare-and-set on the counter
 * the passkey had: false when another assertion moved it first.
 */
export type RecordAssertion = (verified: VerifiedAssertion, use: CredentialUse) => Promise<boolean>;

/** An error of `record` itself, passed through as it is (not a failed assertion). */
class RecordFailed {
  constructor(readonly error: unknown) {}
}

/**
 * Verifies an assertion (WebAuthn L3 §7.2) for sign-in or step-up. Latchkey runs
 * the checks whose failure a user or an operator must be able to tell apart
 * (origin, RP ID, user verification, counter) itself, each with its own code, and
 * verifies the signature with the passkey's cached key (`assertion-verifier.ts`,
 * held to SimpleWebAuthn's verdicts). Every failure is audited.
 *
 * The challenge, the passkey and its user come in one store read
 * (`startAssertion`); the passkey's new counter goes out in one write, through
 * `record` when the ceremony stores more with it (a sign-in's session), else
 * `recordCredentialUse`.
 */
export async function verifyAssertion(
  services: Services,
  ctx: RequestContext,
  response: AuthenticationResponseJSON,
  kind: 'authentication' | 'step-up',
  record?: RecordAssertion,
): Promise<VerifiedAssertion> {
  const { config, store, audit } = services;
  let userId: string | null = null;
  let credentialId: string | null = null;
  try {
    // §7.2 steps 10-11: C := parsed clientDataJSON; C.type must be "webauthn.get".
    const clientData = checkClientDataType(response.response.clientDataJSON, 'webauthn.get');
    // §7.2 step 12: C.challenge must be the challenge we issued (single use, bound).
    // Taken out of the store with the passkey the response names and its user.
    const found = await startAssertion(store, clientData.challenge, response.id, ctx.now);
    const challenge = await checkChallenge(services, ctx, found.challenge, kind);
    userId = challenge.userId;
    // §7.2 steps 13-14: the origin must be one we expect; no cross-origin iframes.
    checkOrigin(clientData, config, challenge);
    // §7.2 step 5: the credential must be known (and, step 6, belong to the identified user).
    if (response.id !== response.rawId)
      throw new LatchkeyError('VERIFICATION_FAILED', 'id and rawId differ');
    credentialId = response.id;
    const credential = found.credential;
    if (!credential)
      throw new LatchkeyError('UNKNOWN_CREDENTIAL', 'This passkey is not registered here');
    if (challenge.userId !== null && credential.userId !== challenge.userId) {
      throw new LatchkeyError('UNKNOWN_CREDENTIAL', 'This passkey belongs to another account');
    }
    userId = credential.userId;
    // Too many failures for this passkey or account, from anywhere: stop before any work.
    await services.rateLimit.checkAssertionFailures(ctx, { credentialId, userId });
    const user = found.user;
    if (!user) throw new LatchkeyError('UNKNOWN_CREDENTIAL', 'This passkey is not registered here');
    if (
      response.response.userHandle !== undefined &&
      response.response.userHandle !== user.userHandle
    ) {
      throw new LatchkeyError('UNKNOWN_CREDENTIAL', 'The user handle does not match the passkey');
    }
    if (credential.status === 'pending') {
      throw new LatchkeyError(
        'CREDENTIAL_PENDING',
        'This passkey is waiting for approval from a trusted device',
      );
    }

    // §7.2 steps 15-17: rpIdHash, UP, and UV when required.
    const head = parseAuthenticatorDataHead(base64urlDecode(response.response.authenticatorData));
    if (!head) throw new LatchkeyError('VERIFICATION_FAILED', 'Authenticator data is too short');
    if (credential.rpId !== challenge.rpId) {
      throw new LatchkeyError('RP_ID_MISMATCH', 'The passkey was made for another site');
    }
    await checkAuthenticatorFlags(head, challenge.rpId, config);

    // §7.2 step 20: the signature. The counter is checked below, after the
    // signature is known good, so forged data cannot raise a regression alarm.
    // The key is imported once per passkey (services.assertions caches it).
    let verification: Awaited<ReturnType<Services['assertions']['verify']>>;
    try {
      verification = await services.assertions.verify({
        response: response as Parameters<Services['assertions']['verify']>[0]['response'],
        expectedChallenge: challenge.challenge,
        expectedOrigin: config.origins,
        expectedRPID: challenge.rpId,
        requireUserVerification: config.userVerification === 'required',
        credential: { id: credential.credentialId, publicKey: credential.publicKey, counter: 0 },
      });
    } catch (cause) {
      throw new LatchkeyError(
        'VERIFICATION_FAILED',
        'The passkey signature could not be verified',
        { cause },
      );
    }
    if (!verification.verified)
      throw new LatchkeyError('VERIFICATION_FAILED', 'The passkey signature is not valid');

    // §7.2 step 22: a signature counter that did not grow means a cloned authenticator.
    const newCounter = verification.authenticationInfo.newCounter;
    if ((newCounter > 0 || credential.counter > 0) && newCounter <= credential.counter) {
      await audit.record(ctx, 'counter.regression', credential.userId, {
        credentialId: credential.credentialId,
        stored: credential.counter,
        received: newCounter,
      });
      throw new LatchkeyError(
        'COUNTER_REGRESSION',
        'This passkey may have been cloned; it was refused',
      );
    }

    // §7.2 steps 18-19 and 23: refresh BE/BS (they may change), counter and last use,
    // atomically against the counter we read, so two racing assertions cannot both pass.
    const use = {
      counter: newCounter,
      backedUp: verification.authenticationInfo.credentialBackedUp,
      deviceType: verification.authenticationInfo.credentialDeviceType,
      lastUsedAt: ctx.now,
    };
    let recorded: boolean;
    if (record) {
      try {
        recorded = await record({ credential, user, challenge }, use);
      } catch (error) {
        throw new RecordFailed(error);
      }
    } else {
      recorded = await store.recordCredentialUse(credential.credentialId, credential.counter, use);
    }
    if (!recorded) {
      throw new LatchkeyError(
        'VERIFICATION_FAILED',
        'This passkey was used at the same moment elsewhere; try again',
      );
    }
    Object.assign(credential, use);
    return { credential, user, challenge };
  } catch (error) {
    if (error instanceof RecordFailed) throw error.error;
    if (error instanceof LatchkeyError && error.code === 'RATE_LIMITED') throw error;
    if (error instanceof LatchkeyError) {
      // Every failure counts against the passkey and the account, whatever its reason.
      await services.rateLimit.countAssertionFailure(ctx, { credentialId, userId });
    }
    if (error instanceof LatchkeyError && error.code !== 'COUNTER_REGRESSION') {
      await audit.record(ctx, 'signin.failed', userId, {
        reason: error.code,
        ceremony: kind,
        ...(credentialId ? { credentialId: credentialId.slice(0, 200) } : {}),
      });
    }
    throw error;
  }
}
