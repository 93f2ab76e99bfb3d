import { type ReactNode, useState } from 'react';
import { createSessionStore } from '../client/session-store.js';
import type { LatchkeyLabels } from '../provider/latchkey-labels.js';
import { LatchkeyProvider } from '../provider/latchkey-provider.js';
import {
  type FakeWebAuthn,
  type FakeWebAuthnOptions,
  installFakeWebAuthn,
} from './fake-webauthn.js';
import { createMockServer, type MockServerOptions } from './mock-server.js';

/** What a story sets in `parameters.latchkey`. */
export interface LatchkeyStoryParameters {
  server?: MockServerOptions;
  webauthn?: FakeWebAuthnOptions & { paused?: boolean };
  theme?: 'light' | 'dark';
  /** The provider's `labels`, such as `de` from `@latchkey/react/locales/de`. */
  labels?: LatchkeyLabels;
}

let installed: FakeWebAuthn | null = null;

/**
 * The stories' harness: a fresh in-browser mock server and fake authenticator
 * per story, so the stories need no server and never open the real passkey
 * prompt. `latency` defaults to 250 ms so pending states can be seen.
 */
export function LatchkeyStory({
  parameters = {},
  children,
}: {
  parameters?: LatchkeyStoryParameters;
  children: ReactNode;
}) {
  const [store] = useState(() => {
    installed?.uninstall();
    const server = createMockServer({ latency: 250, ...parameters.server });
    const { paused, ...webauthnOptions } = parameters.webauthn ?? {};
    installed = installFakeWebAuthn({
      credentials: server.authenticatorCredentials(),
      signals: true,
      ...webauthnOptions,
    });
    if (paused) installed.pause();
    globalThis.localStorage?.clear();
    return createSessionStore(server.client, { channel: false });
  });
  return (
    <div
      data-latchkey-theme={parameters.theme ?? 'light'}
      style={{
        padding: '1.5rem',
        minHeight: '100%',
        background: 'var(--latchkey-bg)',
        color: 'var(--latchkey-text)',
      }}
    >
      <LatchkeyProvider store={store} labels={parameters.labels}>
        {children}
      </LatchkeyProvider>
    </div>
  );
}
