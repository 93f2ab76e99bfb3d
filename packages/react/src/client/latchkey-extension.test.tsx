import type { LatchkeyClient, PopPublicKey, Session, User } from '@latchkey/core';
import { act, renderHook, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { useEnrolPasskey } from '../hooks/use-enrol-passkey.js';
import { useLatchkeyClient } from '../hooks/use-latchkey-client.js';
import { usePasskeys } from '../hooks/use-passkeys.js';
import { useSession } from '../hooks/use-session.js';
import { LatchkeyProvider } from '../provider/latchkey-provider.js';
import { type FakeWebAuthn, installFakeWebAuthn } from '../testing/fake-webauthn.js';
import { createMockServer, type MockServer } from '../testing/mock-server.js';
import type { LatchkeyExtension } from './latchkey-extension.js';

const POP_KEY: PopPublicKey = {
  kty: 'EC',
  crv: 'P-256',
  x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU',
  y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0',
};

let webauthn: FakeWebAuthn | undefined;
afterEach(() => {
  webauthn?.uninstall();
  webauthn = undefined;
});

/** `hook` inside a provider over `server` with `extensions`. */
function renderWith<T>(server: MockServer, extensions: LatchkeyExtension[], hook: () => T) {
  webauthn = installFakeWebAuthn({ credentials: server.authenticatorCredentials() });
  return renderHook(hook, {
    wrapper: ({ children }: { children: ReactNode }) => (
      <LatchkeyProvider client={server.client} channel={false} extensions={extensions}>
        {children}
      </LatchkeyProvider>
    ),
  });
}

const bodyOf = (server: MockServer, route: string) =>
  server.calls.find((call) => call.route === route)?.body as Record<string, unknown> | undefined;

describe('LatchkeyExtension.popKey', () => {
  it('sends the first key an extension offers with authenticate', async () => {
    const server = createMockServer({ passkeys: [{ name: 'MacBook' }] });
    const asked: string[] = [];
    const offering = (name: string, key: PopPublicKey | undefined): LatchkeyExtension => ({
      async popKey() {
        asked.push(name);
        return key;
      },
    });
    const { result } = renderWith(
      server,
      [
        offering('none', undefined),
        offering('key', POP_KEY),
        offering('late', { ...POP_KEY, x: 'other' }),
      ],
      () => useSession(),
    );
    await waitFor(() => expect(result.current.status).toBe('unauthenticated'));
    let signedIn: Awaited<ReturnType<typeof result.current.signIn>> | undefined;
    await act(async () => {
      signedIn = await result.current.signIn();
    });
    expect(signedIn?.error).toBeNull();
    expect(asked).toEqual(['none', 'key']);
    expect(bodyOf(server, 'authenticate')?.popKey).toEqual(POP_KEY);
  });

  it('sends it with register at sign-up', async () => {
    const server = createMockServer({ user: null });
    const { result } = renderWith(server, [{ popKey: async () => POP_KEY }], () =>
      useEnrolPasskey(),
    );
    await act(async () => {
      await result.current.enrol({ email: 'grace@example.com', name: 'Laptop' });
    });
    expect(result.current.error).toBeNull();
    expect(bodyOf(server, 'register')).toMatchObject({ name: 'Laptop', popKey: POP_KEY });
  });

  it('sends no popKey when no extension offers one', async () => {
    const server = createMockServer({ passkeys: [{ name: 'MacBook' }] });
    const { result } = renderWith(server, [{ popKey: async () => undefined }, {}], () =>
      useSession(),
    );
    await waitFor(() => expect(result.current.status).toBe('unauthenticated'));
    await act(async () => {
      await result.current.signIn();
    });
    expect(result.current.status).toBe('authenticated');
    expect(bodyOf(server, 'authenticate')).not.toHaveProperty('popKey');
  });
});

describe('LatchkeyExtension.onSession', () => {
  it('runs for the session found on mount, cleans up at sign-out, runs again at sign-in', async () => {
    const server = createMockServer({ signedIn: true, passkeys: [{ name: 'MacBook' }] });
    const events: string[] = [];
    const contexts: { client: LatchkeyClient; session: Session; user: User }[] = [];
    const { result } = renderWith(
      server,
      [
        {
          onSession(context) {
            contexts.push(context);
            events.push(`start ${context.session.id}`);
            return () => events.push(`stop ${context.session.id}`);
          },
        },
      ],
      () => ({ session: useSession(), client: useLatchkeyClient() }),
    );
    await waitFor(() => expect(result.current.session.status).toBe('authenticated'));
    const first = server.state.session!.id;
    expect(events).toEqual([`start ${first}`]);
    expect(contexts[0]?.client).toBe(result.current.client);
    expect(contexts[0]?.user.email).toBe('ada@example.com');

    // Another refresh of the same session is no news.
    await act(async () => {
      await result.current.session.refresh();
    });
    expect(events).toEqual([`start ${first}`]);

    await act(async () => {
      await result.current.session.signOut();
    });
    expect(events).toEqual([`start ${first}`, `stop ${first}`]);

    await act(async () => {
      await result.current.session.signIn();
    });
    const second = server.state.session!.id;
    expect(second).not.toBe(first);
    expect(events).toEqual([`start ${first}`, `stop ${first}`, `start ${second}`]);
  });

  it('cleans up when the provider unmounts', async () => {
    const server = createMockServer({ signedIn: true });
    const events: string[] = [];
    const { result, unmount } = renderWith(
      server,
      [
        {
          onSession() {
            events.push('start');
            return () => events.push('stop');
          },
        },
      ],
      () => useSession(),
    );
    await waitFor(() => expect(result.current.status).toBe('authenticated'));
    unmount();
    expect(events).toEqual(['start', 'stop']);
  });
});

describe('LatchkeyExtension.onPopRequired', () => {
  async function signedInWithPasskeys(extensions: LatchkeyExtension[], server: MockServer) {
    const rendered = renderWith(server, extensions, () => ({
      session: useSession(),
      passkeys: usePasskeys(),
    }));
    await waitFor(() => expect(rendered.result.current.passkeys.status).toBe('ready'));
    return rendered;
  }

  it('proves and retries a hook request once when it answers POP_REQUIRED', async () => {
    const server = createMockServer({
      signedIn: true,
      elevated: true,
      passkeys: [{ name: 'MacBook' }, { name: 'Phone' }],
    });
    const proofs: LatchkeyClient[] = [];
    const { result } = await signedInWithPasskeys(
      [
        {},
        {
          async onPopRequired(client) {
            proofs.push(client);
            server.fail('deletePasskey', null); // a fresh proof: the server lets the session in
            return true;
          },
        },
      ],
      server,
    );
    server.fail('deletePasskey', 'POP_REQUIRED');
    const credentialId = server.state.passkeys[1]!.credentialId;
    let removed: Awaited<ReturnType<typeof result.current.passkeys.remove>> | undefined;
    await act(async () => {
      removed = await result.current.passkeys.remove(credentialId);
    });
    expect(removed).toEqual({ data: { ok: true }, error: null });
    expect(proofs).toEqual([server.client]);
    expect(server.routeNames().filter((name) => name === 'deletePasskey')).toHaveLength(2);
  });

  it('retries only once, and not at all when no extension proves', async () => {
    const server = createMockServer({
      signedIn: true,
      elevated: true,
      passkeys: [{ name: 'MacBook' }, { name: 'Phone' }],
    });
    let proving = true;
    let asked = 0;
    const { result } = await signedInWithPasskeys(
      [
        {
          async onPopRequired() {
            asked++;
            return proving;
          },
        },
      ],
      server,
    );
    server.fail('deletePasskey', 'POP_REQUIRED');
    const credentialId = server.state.passkeys[1]!.credentialId;
    const deletes = () => server.routeNames().filter((name) => name === 'deletePasskey').length;

    let removed: Awaited<ReturnType<typeof result.current.passkeys.remove>> | undefined;
    await act(async () => {
      removed = await result.current.passkeys.remove(credentialId);
    });
    expect(removed?.error?.code).toBe('POP_REQUIRED');
    expect(asked).toBe(1);
    expect(deletes()).toBe(2);

    proving = false;
    await act(async () => {
      removed = await result.current.passkeys.remove(credentialId);
    });
    expect(removed?.error?.code).toBe('POP_REQUIRED');
    expect(asked).toBe(2);
    expect(deletes()).toBe(3);
  });

  it('proves and retries the session refresh', async () => {
    const server = createMockServer({ signedIn: true, fail: { getSession: 'POP_REQUIRED' } });
    let asked = 0;
    const { result } = renderWith(
      server,
      [
        {
          async onPopRequired() {
            asked++;
            server.fail('getSession', null);
            return true;
          },
        },
      ],
      () => useSession(),
    );
    await waitFor(() => expect(result.current.status).toBe('authenticated'));
    expect(asked).toBe(1);
    expect(server.routeNames()).toEqual(['getSession', 'getSession']);
  });
});
