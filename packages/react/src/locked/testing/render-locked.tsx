import { type RenderResult, render } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { type ReactElement, StrictMode } from 'react';
import { getPasskeyAssertion } from '../../client/get-passkey-assertion.js';
import type { LatchkeyExtension } from '../../client/latchkey-extension.js';
import { createSessionStore, type SessionStore } from '../../client/session-store.js';
import type { LatchkeyLabels } from '../../provider/latchkey-labels.js';
import { LatchkeyProvider } from '../../provider/latchkey-provider.js';
import {
  type FakeWebAuthn,
  type FakeWebAuthnOptions,
  installFakeWebAuthn,
} from '../../testing/fake-webauthn.js';
import { createMockServer, type MockServer } from '../../testing/mock-server.js';
import { loadDeviceKey } from '../device-key/device-key.js';
import type { DeviceKeyStore } from '../device-key/device-key-store.js';
import { installPrfAuthenticator } from './prf-authenticator.js';

export interface RenderedLocked extends RenderResult {
  server: MockServer;
  webauthn: FakeWebAuthn;
  prf: ReturnType<typeof installPrfAuthenticator>;
  store: SessionStore;
  user: ReturnType<typeof userEvent.setup>;
}

const cleanups: Array<() => void> = [];

/** Undoes every `setUpLocked` and `renderLocked` (call in `afterEach`). */
export function cleanupLocked(): void {
  for (const undo of cleanups.splice(0).reverse()) undo();
}

/**
 * The mock server, the kit's fake authenticator holding the account's
 * passkeys (with PRF for the credential ids in `prf`), and a session store.
 *
 * @example
 * const { server, store } = setUpLocked({ server: { signedIn: true } });
 */
export function setUpLocked({
  server: serverOptions,
  webauthn: webauthnOptions,
  prf = [],
  extensions,
}: {
  server?: Parameters<typeof createMockServer>[0];
  webauthn?: FakeWebAuthnOptions;
  prf?: string[];
  extensions?: readonly LatchkeyExtension[];
} = {}) {
  const server = createMockServer(serverOptions);
  const webauthn = installFakeWebAuthn({
    credentials: server.authenticatorCredentials(),
    ...webauthnOptions,
  });
  const prfAuthenticator = installPrfAuthenticator(prf);
  const store = createSessionStore(server.client, { channel: false, extensions });
  cleanups.push(
    () => webauthn.uninstall(),
    () => prfAuthenticator.uninstall(),
    () => store.destroy(),
  );
  return { server, webauthn, prf: prfAuthenticator, store };
}

/** `setUpLocked`, then renders `ui` in StrictMode inside a `LatchkeyProvider` on its store. */
export function renderLocked(
  ui: ReactElement,
  { labels, ...options }: Parameters<typeof setUpLocked>[0] & { labels?: LatchkeyLabels } = {},
): RenderedLocked {
  const parts = setUpLocked(options);
  const user = userEvent.setup();
  const result = render(
    <StrictMode>
      <LatchkeyProvider store={parts.store} labels={labels}>
        {ui}
      </LatchkeyProvider>
    </StrictMode>,
  );
  return { ...result, ...parts, user };
}

/**
 * Signs in the way `LatchkeyProvider` does with `lockedSessions()`: the
 * assertion goes with the device key's public JWK, so the session is bound.
 *
 * @example
 * const { data } = await signInWithDeviceKey(server, keyStore);
 * expect(data?.session.locked).toBe(true);
 */
export async function signInWithDeviceKey(server: MockServer, keyStore: DeviceKeyStore) {
  const key = (await loadDeviceKey(keyStore, { create: true }))!;
  const options = await server.client.authOptions({});
  if (options.error) throw options.error;
  const response = await getPasskeyAssertion(options.data.options, {
    mediation: 'modal',
    signal: new AbortController().signal,
  });
  return server.client.authenticate({ response, popKey: key.publicJwk });
}
