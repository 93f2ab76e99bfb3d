'use client';
import {
  type LatchkeyClient,
  LatchkeyError,
  type LatchkeyResult,
  type PrfKeysResponse,
} from '@latchkey/core';
import type { CeremonyCoordinator } from '../../client/ceremony-coordinator.js';
import { createDataKey, rewrapDataKey, unwrapDataKey, wrapDataKey } from './data-key.js';
import { getPrfAssertion } from './get-prf-assertion.js';
import { deriveWrappingKey } from './wrapping-key.js';

/** What unlocking gives: the data key, and which passkey opened it. */
export interface PasskeyKeyUnlocked {
  /** The non-extractable working copy: it encrypts and decrypts, and cannot be read. */
  dataKey: CryptoKey;
  credentialId: string;
  /** True when this unlock made the data key (the account's first). */
  created: boolean;
  /** The data key as wrapped for this passkey, and the (non-extractable) key that unwraps it: `enrolPasskeyWrapping` rewraps from them. */
  wrappedKey: string;
  wrappingKey: CryptoKey;
}

/**
 * Unlocks the user's data key with a passkey, in one ceremony that is also a
 * step-up (`verify-options` → `navigator.credentials.get` with the PRF
 * extension → `verify`), so the session comes out elevated:
 *
 * 1. `GET /prf` gives the user's salt and which passkeys hold a wrapped key;
 * 2. the browser asks one of those passkeys (any PRF-capable one when none
 *    does yet) for its PRF output over the salt (WebAuthn L3 §10.1.4);
 * 3. HKDF turns the output into a wrapping key, which unwraps the data key;
 *    on the account's first unlock a random data key is made and wrapped for
 *    this passkey with `PUT /passkeys/:credentialId/wrapped-key`.
 *
 * @example
 * const { data, error } = await unlockWithPasskey(client, coordinator);
 * if (data) envelope = await encryptEnvelope(data.dataKey, 'secret');
 */
export function unlockWithPasskey(
  client: LatchkeyClient,
  coordinator: CeremonyCoordinator,
): Promise<LatchkeyResult<PasskeyKeyUnlocked>> {
  return coordinator.run<PasskeyKeyUnlocked>('modal', async (signal) => {
    const info = await client.prfKeys(undefined, { signal });
    if (info.error) return info;
    const capable = info.data.keys.filter((k) => k.prf);
    if (capable.length === 0) {
      return failure('PRF_UNSUPPORTED', 'None of your passkeys on this site can derive keys');
    }
    const enrolled = capable.filter((k) => k.wrappedKey !== null);
    const allow = (enrolled.length > 0 ? enrolled : capable).map((k) => k.credentialId);

    const ceremony = await prfStepUp(client, info.data.salt, allow, signal);
    if (ceremony.error) return ceremony;
    const { credentialId, wrappingKey } = ceremony.data;

    const opened = (wrappedKey: string, created: boolean) =>
      unwrapDataKey(wrappedKey, wrappingKey).then((dataKey) => ({
        data: { dataKey, credentialId, created, wrappedKey, wrappingKey },
        error: null,
      }));
    const chosen = info.data.keys.find((k) => k.credentialId === credentialId);
    if (chosen?.wrappedKey) return opened(chosen.wrappedKey, false);
    // Nothing was wrapped when we looked: read again right before making a key, so
    // a first unlock in another tab a moment ago is used rather than overwritten.
    let again = await client.prfKeys(undefined, { signal });
    if (again.error) return again;
    if (!again.data.keys.some((k) => k.wrappedKey !== null)) {
      const wrappedKey = await wrapDataKey(await createDataKey(), wrappingKey);
      // `first`: the server stores it only while no passkey holds a key, so neither a
      // "nothing wrapped" answer that was wrong nor a concurrent first unlock can make
      // a second data key. The extractable key is dropped here.
      const stored = await client.setWrappedKey(
        { credentialId, wrappedKey, first: true },
        { signal },
      );
      if (!stored.error) return opened(wrappedKey, true);
      if (stored.error.code !== 'WRAPPED_KEY_CONFLICT') return stored;
      again = await client.prfKeys(undefined, { signal });
      if (again.error) return again;
    }
    const now = again.data.keys.find((k) => k.credentialId === credentialId);
    if (now?.wrappedKey) return opened(now.wrappedKey, false);
    return failure(
      'PRF_KEY_NOT_ENROLLED',
      'This passkey does not unlock your data yet: unlock with another one, then add it',
    );
  });
}

/**
 * Wraps an unlocked data key for another PRF-capable passkey of the user (one
 * that holds no wrapped key yet, or `credentialId`), so that it unlocks the
 * same data. Needs that passkey's PRF output, hence one more ceremony, which
 * is also the step-up the server asks for before storing a wrapped key. The
 * write names what it replaces (`replaces`), so it never overwrites a key
 * stored meanwhile (`WRAPPED_KEY_CONFLICT`).
 *
 * @example
 * const { data, error } = await enrolPasskeyWrapping(client, coordinator, unlocked);
 */
export function enrolPasskeyWrapping(
  client: LatchkeyClient,
  coordinator: CeremonyCoordinator,
  unlocked: Pick<PasskeyKeyUnlocked, 'wrappedKey' | 'wrappingKey'>,
  { credentialId }: { credentialId?: string } = {},
): Promise<LatchkeyResult<{ credentialId: string }>> {
  return coordinator.run<{ credentialId: string }>('modal', async (signal) => {
    const info = await client.prfKeys(undefined, { signal });
    if (info.error) return info;
    const targets = info.data.keys.filter(
      (k) =>
        k.prf &&
        (credentialId === undefined ? k.wrappedKey === null : k.credentialId === credentialId),
    );
    if (targets.length === 0) {
      return failure(
        'NOT_FOUND',
        'No other passkey on this site can be added: create one on a device that supports PRF',
      );
    }
    const ceremony = await prfStepUp(
      client,
      info.data.salt,
      targets.map((k) => k.credentialId),
      signal,
    );
    if (ceremony.error) return ceremony;
    const target = targets.find((k) => k.credentialId === ceremony.data.credentialId);
    const stored = await client.setWrappedKey(
      {
        credentialId: ceremony.data.credentialId,
        wrappedKey: await rewrapDataKey(
          unlocked.wrappedKey,
          unlocked.wrappingKey,
          ceremony.data.wrappingKey,
        ),
        replaces: target?.wrappedKey ?? null,
      },
      { signal },
    );
    if (stored.error) return stored;
    return { data: { credentialId: ceremony.data.credentialId }, error: null };
  });
}

/** The step-up ceremony with the PRF extension; the wrapping key never leaves the browser. */
async function prfStepUp(
  client: LatchkeyClient,
  salt: PrfKeysResponse['salt'],
  allow: string[],
  signal: AbortSignal,
): Promise<LatchkeyResult<{ credentialId: string; wrappingKey: CryptoKey }>> {
  const options = await client.verifyOptions({}, { signal });
  if (options.error) return options;
  const { response, prfOutput } = await getPrfAssertion(options.data.options, {
    salt,
    allow,
    signal,
  });
  const verified = await client.verify({ response }, { signal });
  if (verified.error) return verified;
  if (!prfOutput) {
    return failure('PRF_UNSUPPORTED', 'This passkey or browser gave no PRF output');
  }
  return {
    data: { credentialId: response.id, wrappingKey: await deriveWrappingKey(prfOutput, salt) },
    error: null,
  };
}

// Status 0: the browser concluded this by itself.
function failure(
  code: 'PRF_UNSUPPORTED' | 'PRF_KEY_NOT_ENROLLED' | 'NOT_FOUND',
  message: string,
): { data: null; error: LatchkeyError } {
  return { data: null, error: new LatchkeyError(code, message, { status: 0 }) };
}
