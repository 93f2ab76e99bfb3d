import { act, renderHook, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { createSessionStore, type SessionStore } from '../client/session-store.js';
import { LatchkeyProvider } from '../provider/latchkey-provider.js';
import { type FakeWebAuthn, installFakeWebAuthn } from '../testing/fake-webauthn.js';
import { createMockServer, type MockServerOptions } from '../testing/mock-server.js';
import { useSession } from './use-session.js';

let webauthn: FakeWebAuthn | undefined;
let store: SessionStore | undefined;
afterEach(() => {
  webauthn?.uninstall();
  store?.destroy();
});

function setup(options: MockServerOptions) {
  const server = createMockServer(options);
  webauthn = installFakeWebAuthn({ credentials: server.authenticatorCredentials() });
  store = createSessionStore(server.client, { channel: false });
  const s = store;
  const hook = renderHook(() => useSession(), {
    wrapper: ({ children }: { children: ReactNode }) => (
      <LatchkeyProvider store={s}>{children}</LatchkeyProvider>
    ),
  });
  return { server, ...hook };
}

describe('useSession', () => {
  it('goes from loading to authenticated with the user, session and relying party', async () => {
    const { result } = setup({ signedIn: true, passkeys: [{ name: 'MacBook' }] });
    expect(result.current.status).toBe('loading');
    await waitFor(() => expect(result.current.status).toBe('authenticated'));
    expect(result.current.user?.email).toBe('ada@example.com');
    expect(result.current.session?.kind).toBe('full');
    expect(result.current.rp).toEqual({ id: 'localhost', grace: false, signUp: 'open' });
  });

  it('signs in and out', async () => {
    const { result } = setup({ passkeys: [{ name: 'MacBook' }] });
    await waitFor(() => expect(result.current.status).toBe('unauthenticated'));
    await act(async () => {
      const { error } = await result.current.signIn();
      expect(error).toBeNull();
    });
    expect(result.current.status).toBe('authenticated');
    await act(async () => {
      await result.current.signOut();
    });
    expect(result.current.status).toBe('unauthenticated');
    expect(result.current.user).toBeNull();
  });

  it('refreshes on demand', async () => {
    const { result, server } = setup({ signedIn: true });
    await waitFor(() => expect(result.current.status).toBe('authenticated'));
    server.state.session = null;
    await act(async () => {
      await result.current.refresh();
    });
    expect(result.current.status).toBe('unauthenticated');
  });

  it('keeps its identity while nothing changes', async () => {
    const { result, rerender } = setup({ signedIn: true });
    await waitFor(() => expect(result.current.status).toBe('authenticated'));
    const first = result.current;
    rerender();
    expect(result.current).toBe(first);
  });
});
