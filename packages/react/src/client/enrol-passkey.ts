'use client';
import type { LatchkeyClient, LatchkeyResult, RegisterResponse } from '@latchkey/core';
import type { CeremonyCoordinator } from './ceremony-coordinator.js';
import { createPasskeyCredential } from './create-passkey-credential.js';
import { type LatchkeyExtension, popKeyField } from './latchkey-extension.js';
import type { SessionStore } from './session-store.js';

export interface EnrolOptions {
  /** The passkey's name in lists; unset, the server names it after this browser ("Chrome on macOS"). */
  name?: string;
  /** At sign-up only: the new account's email and display name. */
  email?: string;
  displayName?: string;
}

/** An enrolment answer, with the WebAuthn user handle the server chose for the account. */
export type Enrolled = RegisterResponse & { userHandle: string };

/**
 * The registration ceremony: `register-options` → `navigator.credentials.create`
 * → `register`. Signed out with sign-up open it creates the account; with a
 * `recovery` or `enrol` (paired) session it adds this device's passkey. The
 * first extension that offers a proof-of-possession key has it sent with
 * `register`, to bind the session a sign-up opens. `mediation: 'conditional'`
 * makes it a conditional create (`upgradeToPasskeyIn`), which names no account.
 *
 * @example
 * const { data } = await enrolPasskey(client, coordinator, { name: 'Work laptop' });
 * if (data?.recoveryCodes) showOnce(data.recoveryCodes);
 */
export function enrolPasskey(
  client: LatchkeyClient,
  coordinator: CeremonyCoordinator,
  { name, email, displayName }: EnrolOptions = {},
  extensions?: readonly LatchkeyExtension[],
  mediation?: 'conditional',
): Promise<LatchkeyResult<Enrolled>> {
  return coordinator.run(mediation ?? 'modal', async (signal) => {
    const body = mediation
      ? { conditional: true }
      : { ...(email ? { email } : {}), ...(displayName ? { displayName } : {}) };
    const options = await client.registerOptions(body, { signal });
    if (options.error) return options;
    const response = await createPasskeyCredential(options.data.options, { signal, mediation });
    const registered = await client.register(
      { response, ...(name ? { name } : {}), ...(await popKeyField(extensions)) },
      { signal },
    );
    if (registered.error) return registered;
    return { data: { ...registered.data, userHandle: options.data.options.user.id }, error: null };
  });
}

/**
 * Enrols a passkey on this device through a session store, and updates it: the
 * store's device key (from its extensions) binds the session a sign-up opens.
 * Adding a passkey to an account from a full session needs a recent step-up with
 * an existing passkey: on `STEP_UP_REQUIRED` it steps up, then enrols.
 *
 * @example
 * const { data } = await enrolPasskeyIn(store, { name: 'Work laptop' });
 * store.getSnapshot().status; // 'authenticated'
 */
export async function enrolPasskeyIn(
  store: SessionStore,
  options?: EnrolOptions,
): Promise<LatchkeyResult<Enrolled>> {
  const result = await store.withStepUp(() =>
    enrolPasskey(store.client, store.coordinator, options, [{ popKey: store.popKey }]),
  );
  if (result.data) await store.changed(result.data.userHandle);
  return result;
}
