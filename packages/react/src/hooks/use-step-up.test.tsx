import { act, renderHook } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { createSessionStore, type SessionStore } from '../client/session-store.js';
import { LatchkeyProvider } from '../provider/latchkey-provider.js';
import { type FakeWebAuthn, installFakeWebAuthn } from '../testing/fake-webauthn.js';
import { createMockServer } from '../testing/mock-server.js';
import { useStepUp } from './use-step-up.js';

let webauthn: FakeWebAuthn | undefined;
let store: SessionStore | undefined;
afterEach(() => {
  webauthn?.uninstall();
  store?.destroy();
});

function setup(outcome: 'approve' | 'cancel') {
  const server = createMockServer({ signedIn: true, passkeys: [{ name: 'MacBook' }] });
  webauthn = installFakeWebAuthn({ credentials: server.authenticatorCredentials(), outcome });
  store = createSessionStore(server.client, { channel: false });
  const s = store;
  const hook = renderHook(() => useStepUp(), {
    wrapper: ({ children }: { children: ReactNode }) => (
      <LatchkeyProvider store={s}>{children}</LatchkeyProvider>
    ),
  });
  return { server, ...hook };
}

describe('useStepUp', () => {
  it('steps up and reports success', async () => {
    const { result, server } = setup('approve');
    expect(result.current.status).toBe('idle');
    await act(async () => {
      await result.current.stepUp();
    });
    expect(result.current.status).toBe('success');
    expect(result.current.data?.elevatedUntil).toBe('2025-06-01T12:05:00.000Z');
    expect(server.state.session?.elevatedUntil).toBe('2025-06-01T12:05:00.000Z');
  });

  it('returns to idle with the error when the prompt is cancelled', async () => {
    const { result } = setup('cancel');
    await act(async () => {
      await result.current.stepUp();
    });
    expect(result.current.status).toBe('idle');
    expect(result.current.error?.code).toBe('CEREMONY_CANCELLED');
  });

  it('wraps a call that needs an elevated session', async () => {
    const { result, server } = setup('approve');
    const { data } = await result.current.withStepUp(() =>
      server.client.regenerateRecoveryCodes({}),
    );
    expect(data?.codes).toHaveLength(10);
    // useStepUp alone does not load the session.
    expect(server.routeNames()).toEqual([
      'regenerateRecoveryCodes',
      'verifyOptions',
      'verify',
      'regenerateRecoveryCodes',
    ]);
  });
});
