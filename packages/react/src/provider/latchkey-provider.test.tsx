import { createLatchkeyClient } from '@latchkey/core';
import { render, renderHook, screen, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSessionStore, type SessionStore } from '../client/session-store.js';
import { useLatchkeyClient, useSessionStore } from '../hooks/use-latchkey-client.js';
import { useSession } from '../hooks/use-session.js';
import { installFakeWebAuthn } from '../testing/fake-webauthn.js';
import { createMockServer } from '../testing/mock-server.js';
import { LatchkeyProvider } from './latchkey-provider.js';

function Who() {
  const session = useSession();
  return <p>{session.status === 'authenticated' ? session.user.email : session.status}</p>;
}

describe('LatchkeyProvider', () => {
  it('takes a client', async () => {
    const server = createMockServer({ signedIn: true });
    render(
      <LatchkeyProvider client={server.client} channel={false}>
        <Who />
      </LatchkeyProvider>,
    );
    expect(screen.getByText('loading')).toBeInTheDocument();
    expect(await screen.findByText('ada@example.com')).toBeInTheDocument();
  });

  it('takes a baseUrl and makes its own client', () => {
    const { result } = renderHook(() => useLatchkeyClient(), {
      wrapper: ({ children }: { children: ReactNode }) => (
        <LatchkeyProvider baseUrl="https://app.example/auth/" channel={false}>
          {children}
        </LatchkeyProvider>
      ),
    });
    expect(result.current.baseUrl).toBe('https://app.example/auth');
  });

  describe('with a baseUrl, a client that does not validate answers', () => {
    afterEach(() => vi.unstubAllGlobals());

    // A signed-in answer with a field the schema does not know: the lean client passes it on,
    // a validating client drops it.
    function answerWithExtraField() {
      const fetch = vi.fn(async () =>
        Response.json({
          user: {
            id: 'u_1',
            email: 'ada@example.com',
            displayName: 'Ada',
            tier: 'standard',
            createdAt: '2025-06-01T12:00:00.000Z',
            nickname: 'Countess',
          },
          session: {
            id: 's_1',
            kind: 'full',
            createdAt: '2025-06-01T12:00:00.000Z',
            expiresAt: '2025-06-02T12:00:00.000Z',
            lastSeenAt: '2025-06-01T12:00:00.000Z',
            elevatedUntil: null,
            locked: false,
          },
          rp: { id: 'app.example', grace: false, signUp: 'open' },
        }),
      );
      vi.stubGlobal('fetch', fetch);
      return fetch;
    }

    it('uses createLeanLatchkeyClient', async () => {
      const fetch = answerWithExtraField();
      const { result } = renderHook(() => useSession(), {
        wrapper: ({ children }: { children: ReactNode }) => (
          <LatchkeyProvider baseUrl="https://app.example/auth" channel={false}>
            {children}
          </LatchkeyProvider>
        ),
      });
      await waitFor(() => expect(result.current.status).toBe('authenticated'));
      expect(fetch).toHaveBeenCalledWith('https://app.example/auth/session', expect.anything());
      expect(result.current.user).toHaveProperty('nickname', 'Countess');
    });

    it('a fetch timeout for ceremonies: a silent server does not hold the modal slot', async () => {
      const webauthn = installFakeWebAuthn();
      try {
        vi.stubGlobal(
          'fetch',
          (_: unknown, init?: RequestInit) =>
            new Promise((_resolve, reject) => {
              init?.signal?.addEventListener('abort', () => reject(init.signal!.reason));
            }),
        );
        let store: SessionStore | undefined;
        function Grab() {
          store = useSessionStore();
          return null;
        }
        render(
          <LatchkeyProvider baseUrl="/auth" channel={false} fetchTimeout={30}>
            <Grab />
          </LatchkeyProvider>,
        );
        const first = await store!.signIn();
        expect(first.error?.code).toBe('NETWORK_ERROR');
        expect(store!.coordinator.pending).toBeNull();
        // The slot is free: the next ceremony runs rather than answering CEREMONY_CANCELLED.
        expect((await store!.signIn()).error?.code).toBe('NETWORK_ERROR');
        expect(webauthn.requests).toHaveLength(0);
      } finally {
        webauthn.uninstall();
      }
    });

    it('leaves validation to a client the app gives it', async () => {
      answerWithExtraField();
      const client = createLatchkeyClient({ baseUrl: 'https://app.example/auth' });
      const { result } = renderHook(() => useSession(), {
        wrapper: ({ children }: { children: ReactNode }) => (
          <LatchkeyProvider client={client} channel={false}>
            {children}
          </LatchkeyProvider>
        ),
      });
      await waitFor(() => expect(result.current.status).toBe('authenticated'));
      expect(result.current.user).not.toHaveProperty('nickname');
      expect(result.current.user?.email).toBe('ada@example.com');
    });
  });

  it('takes a store, shared with code outside React', async () => {
    const server = createMockServer({ signedIn: true });
    const store = createSessionStore(server.client, { channel: false });
    const { result } = renderHook(() => [useSessionStore(), useSession()] as const, {
      wrapper: ({ children }: { children: ReactNode }) => (
        <LatchkeyProvider store={store}>{children}</LatchkeyProvider>
      ),
    });
    expect(result.current[0]).toBe(store);
    await waitFor(() => expect(result.current[1].status).toBe('authenticated'));
    expect(store.getSnapshot()).toBe(store.getSnapshot());
    expect(result.current[1].user).toBe(store.getSnapshot().user);
    store.destroy();
  });

  it('refuses to be built from nothing (TypeError)', () => {
    const props = {} as Parameters<typeof LatchkeyProvider>[0];
    expect(() => render(<LatchkeyProvider {...props} />)).toThrow(TypeError);
  });

  it('makes hooks outside it throw a TypeError that says what to do', () => {
    expect(() => renderHook(() => useSession())).toThrow(/inside <LatchkeyProvider>/);
  });
});
