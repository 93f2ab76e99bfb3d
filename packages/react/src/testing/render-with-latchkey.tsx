import { type RenderResult, render } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { type ReactElement, StrictMode } from 'react';
import type { LatchkeyExtension } from '../client/latchkey-extension.js';
import { createSessionStore, type SessionStore } from '../client/session-store.js';
import type { LatchkeyLabels } from '../provider/latchkey-labels.js';
import { LatchkeyProvider } from '../provider/latchkey-provider.js';
import {
  type FakeWebAuthn,
  type FakeWebAuthnOptions,
  installFakeWebAuthn,
} from './fake-webauthn.js';
import { createMockServer, type MockServer, type MockServerOptions } from './mock-server.js';

export interface Rendered extends RenderResult {
  server: MockServer;
  webauthn: FakeWebAuthn;
  store: SessionStore;
  user: ReturnType<typeof userEvent.setup>;
}

const installed: FakeWebAuthn[] = [];
const stores: SessionStore[] = [];

/** Uninstalls the fakes and closes the stores made by `renderWithLatchkey` (call in `afterEach`). */
export function cleanupLatchkey(): void {
  for (const fake of installed.splice(0)) fake.uninstall();
  for (const store of stores.splice(0)) store.destroy();
}

/**
 * Renders `ui` inside a `LatchkeyProvider` (in StrictMode) whose real client
 * talks to a fresh mock server, with a fake authenticator holding the account's
 * passkeys.
 */
export function renderWithLatchkey(
  ui: ReactElement,
  {
    server: serverOptions,
    webauthn: webauthnOptions,
    extensions,
    labels,
  }: {
    server?: MockServerOptions;
    webauthn?: FakeWebAuthnOptions;
    extensions?: readonly LatchkeyExtension[];
    /** The provider's `labels`, such as `de`. */
    labels?: LatchkeyLabels;
  } = {},
): Rendered {
  const server = createMockServer(serverOptions);
  const webauthn = installFakeWebAuthn({
    credentials: server.authenticatorCredentials(),
    ...webauthnOptions,
  });
  installed.push(webauthn);
  const store = createSessionStore(server.client, { channel: false, extensions });
  stores.push(store);
  const user = userEvent.setup();
  const result = render(
    <StrictMode>
      <LatchkeyProvider store={store} labels={labels}>
        {ui}
      </LatchkeyProvider>
    </StrictMode>,
  );
  return { ...result, server, webauthn, store, user };
}
