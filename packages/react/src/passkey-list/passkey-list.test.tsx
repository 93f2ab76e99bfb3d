import { act, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { expectAccessible } from '../testing/expect-accessible.js';
import { cleanupLatchkey, renderWithLatchkey } from '../testing/render-with-latchkey.js';
import { PasskeyList } from './passkey-list.js';

afterEach(cleanupLatchkey);

const ICON = 'data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciLz4=';
const three = {
  signedIn: true,
  passkeys: [
    { name: 'MacBook', provider: { name: 'iCloud Keychain', icon: ICON } },
    {
      name: 'YubiKey',
      deviceType: 'singleDevice',
      backedUp: false,
      provider: { name: 'YubiKey 5 NFC' },
      lastUsedAt: null,
    },
    {
      name: 'Pixel',
      backedUp: false,
      status: 'pending',
      provider: { name: 'Google Password Manager' },
      createdWith: { browser: 'Chrome', os: 'Android', deviceType: 'mobile' },
    },
  ],
} as const;
const list = () => screen.getByRole('region', { name: 'Passkeys' });
const item = (name: string) => screen.getByRole('listitem', { name });
const HANDLE_KEY = 'latchkey:user-handle:usr_ada';

describe('PasskeyList', () => {
  it('is busy while loading', async () => {
    const { container } = renderWithLatchkey(<PasskeyList />, {
      server: { signedIn: true, hang: ['listPasskeys'] },
    });
    await waitFor(() => expect(screen.getByText('Loading passkeys…')).toBeInTheDocument());
    expect(list()).toHaveAttribute('data-state', 'loading');
    expect(list()).toHaveAttribute('aria-busy', 'true');
    await expectAccessible(container);
  });

  it('says so when there are none', async () => {
    const { container } = renderWithLatchkey(<PasskeyList />, { server: { signedIn: true } });
    expect(await screen.findByText('No passkeys yet.')).toBeInTheDocument();
    expect(list()).toHaveAttribute('data-state', 'empty');
    expect(list()).toHaveAttribute('aria-busy', 'false');
    await expectAccessible(container);
  });

  it('shows a load failure with a retry', async () => {
    const { container, server, user } = renderWithLatchkey(<PasskeyList />, {
      server: { ...three, fail: { listPasskeys: 'STORE_UNAVAILABLE' } },
    });
    expect(await screen.findByText(/Could not load your passkeys\./)).toBeInTheDocument();
    expect(list()).toHaveAttribute('data-state', 'error');
    await expectAccessible(container);
    server.fail('listPasskeys', null);
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    await waitFor(() => expect(list()).toHaveAttribute('data-state', 'ready'));
    expect(screen.getAllByRole('listitem')).toHaveLength(3);
  });

  it('asks a signed-out visitor to sign in', async () => {
    renderWithLatchkey(<PasskeyList />, { server: { passkeys: three.passkeys } });
    expect(await screen.findByText(/Your session has ended\. Sign in again\./)).toBeInTheDocument();
  });

  it('forgets the passkeys when the session ends', async () => {
    const { store } = renderWithLatchkey(<PasskeyList />, { server: three });
    await waitFor(() => expect(screen.getAllByRole('listitem')).toHaveLength(3));
    await act(async () => {
      await store.signOut();
    });
    expect(await screen.findByText(/Your session has ended\. Sign in again\./)).toBeInTheDocument();
    expect(screen.queryAllByRole('listitem')).toHaveLength(0);
  });

  it('lists each passkey with its provider, sync state, origin and use', async () => {
    const { container } = renderWithLatchkey(<PasskeyList locale="en-GB" />, { server: three });
    await waitFor(() => expect(list()).toHaveAttribute('data-state', 'ready'));

    const mac = item('MacBook');
    expect(mac).toHaveAttribute('data-state', 'active');
    expect(within(mac).getByText('iCloud Keychain')).toBeInTheDocument();
    expect(within(mac).getByText('Synced')).toHaveAttribute('data-latchkey-badge', 'synced');
    expect(mac.querySelector('img')).toHaveAttribute('src', ICON);
    expect(mac.querySelector('img')).toHaveAttribute('alt', '');
    expect(within(mac).getByText('Created 10 Jan 2025 with Safari on macOS')).toHaveAttribute(
      'datetime',
      '2025-01-10T09:30:00.000Z',
    );
    expect(within(mac).getByText('Last used 20 May 2025')).toBeInTheDocument();

    const key = item('YubiKey');
    expect(within(key).getByText('This device only')).toHaveAttribute(
      'data-latchkey-badge',
      'device-bound',
    );
    expect(within(key).getByText(/Never used/)).toBeInTheDocument();
    expect(key.querySelector('img')).toBeNull();

    const pixel = item('Pixel');
    expect(pixel).toHaveAttribute('data-state', 'pending');
    expect(within(pixel).getByText('Waiting for approval')).toBeInTheDocument();
    expect(within(pixel).getByText('Not backed up')).toBeInTheDocument();
    expect(within(pixel).getByText(/with Chrome on Android/)).toBeInTheDocument();
    await expectAccessible(container);
  });

  it('offers the provider’s dark icon to a dark colour scheme', async () => {
    const DARK =
      'data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciIGZpbGw9IndoaXRlIi8+';
    const { container } = renderWithLatchkey(<PasskeyList />, {
      server: {
        signedIn: true,
        passkeys: [
          { name: 'MacBook', provider: { name: 'iCloud Keychain', icon: ICON, iconDark: DARK } },
          { name: 'Work PC', provider: { name: 'Windows Hello', icon: ICON } },
        ],
      },
    });
    await waitFor(() => expect(list()).toHaveAttribute('data-state', 'ready'));

    // The browser picks the <source> whose media query matches, else the <img> (HTML §4.8.1).
    const mac = item('MacBook');
    const source = mac.querySelector('picture > source');
    expect(source).toHaveAttribute('media', '(prefers-color-scheme: dark)');
    expect(source).toHaveAttribute('srcset', DARK);
    expect(mac.querySelector('picture > img')).toHaveAttribute('src', ICON);
    expect(mac.querySelector('picture > img')).toHaveAttribute('alt', '');

    const pc = item('Work PC');
    expect(pc.querySelector('source')).toBeNull();
    expect(pc.querySelector('picture > img')).toHaveAttribute('src', ICON);
    await expectAccessible(container);
  });

  it('renames inline, then signals the passkey manager', async () => {
    const { container, server, user, webauthn } = renderWithLatchkey(<PasskeyList />, {
      server: three,
      webauthn: { signals: true },
    });
    localStorage.setItem(HANDLE_KEY, server.state.users[0]!.handle);
    await waitFor(() => expect(list()).toHaveAttribute('data-state', 'ready'));
    await user.click(within(item('MacBook')).getByRole('button', { name: 'Rename' }));
    const field = within(item('MacBook')).getByLabelText('Passkey name');
    expect(field).toHaveFocus();
    expect(field).toHaveValue('MacBook');
    expect(item('MacBook')).toHaveAttribute('data-state', 'renaming');
    await expectAccessible(container);

    await user.clear(field);
    await user.type(field, 'Work laptop{Enter}');
    await waitFor(() =>
      expect(screen.getByRole('status')).toHaveTextContent('Renamed to Work laptop.'),
    );
    expect(item('Work laptop')).toHaveAttribute('data-state', 'active');
    expect(within(item('Work laptop')).getByRole('button', { name: 'Rename' })).toHaveFocus();
    expect(server.state.passkeys[0]!.name).toBe('Work laptop');

    const ids = server.state.passkeys.map((p) => p.credentialId);
    await waitFor(() => expect(webauthn.signals).toHaveLength(2));
    expect(webauthn.signals).toEqual([
      {
        name: 'signalAllAcceptedCredentials',
        options: {
          rpId: 'localhost',
          userId: server.state.users[0]!.handle,
          allAcceptedCredentialIds: ids,
        },
      },
      {
        name: 'signalCurrentUserDetails',
        options: {
          rpId: 'localhost',
          userId: server.state.users[0]!.handle,
          name: 'ada@example.com',
          displayName: 'Ada Lovelace',
        },
      },
    ]);
  });

  it('renames quietly where the Signal API is missing', async () => {
    const { server, user } = renderWithLatchkey(<PasskeyList />, {
      server: three,
      webauthn: { signals: false },
    });
    localStorage.setItem(HANDLE_KEY, server.state.users[0]!.handle);
    await waitFor(() => expect(list()).toHaveAttribute('data-state', 'ready'));
    await user.click(within(item('YubiKey')).getByRole('button', { name: 'Rename' }));
    await user.type(within(item('YubiKey')).getByLabelText('Passkey name'), ' 5{Enter}');
    await waitFor(() =>
      expect(screen.getByRole('status')).toHaveTextContent('Renamed to YubiKey 5.'),
    );
    expect('signalAllAcceptedCredentials' in PublicKeyCredential).toBe(false);
  });

  it('cancels a rename with Escape and returns focus', async () => {
    const { server, user } = renderWithLatchkey(<PasskeyList />, { server: three });
    await waitFor(() => expect(list()).toHaveAttribute('data-state', 'ready'));
    await user.click(within(item('MacBook')).getByRole('button', { name: 'Rename' }));
    await user.type(within(item('MacBook')).getByLabelText('Passkey name'), 'Nope{Escape}');
    expect(item('MacBook')).toHaveAttribute('data-state', 'active');
    expect(within(item('MacBook')).getByRole('button', { name: 'Rename' })).toHaveFocus();
    expect(server.routeNames()).not.toContain('renamePasskey');
  });

  it('revokes after a confirmation and a step-up, then signals the passkey manager', async () => {
    const { container, server, user, webauthn } = renderWithLatchkey(<PasskeyList />, {
      server: three,
      webauthn: { signals: true },
    });
    await waitFor(() => expect(list()).toHaveAttribute('data-state', 'ready'));
    const yubikeyId = server.state.passkeys[1]!.credentialId;
    await user.click(within(item('YubiKey')).getByRole('button', { name: 'Remove' }));
    expect(item('YubiKey')).toHaveAttribute('data-state', 'confirming');
    const confirm = within(item('YubiKey')).getByRole('group', {
      name: 'Remove YubiKey? You will no longer be able to sign in with it.',
    });
    expect(within(confirm).getByRole('button', { name: 'Remove passkey' })).toHaveFocus();
    await expectAccessible(container);

    webauthn.pause();
    await user.click(within(confirm).getByRole('button', { name: 'Remove passkey' }));
    await waitFor(() => expect(webauthn.requests).toHaveLength(1));
    expect(item('YubiKey')).toHaveAttribute('data-state', 'removing');
    expect(list()).toHaveAttribute('aria-busy', 'true');
    await expectAccessible(container);
    webauthn.resume();

    await waitFor(() => expect(screen.getByRole('status')).toHaveTextContent('Removed YubiKey.'));
    expect(screen.queryByRole('listitem', { name: 'YubiKey' })).toBeNull();
    // The step-up's assertion revealed the user handle, so every signal could be sent.
    await waitFor(() =>
      expect(webauthn.signals.map((s) => s.name)).toEqual([
        'signalUnknownCredential',
        'signalAllAcceptedCredentials',
        'signalCurrentUserDetails',
      ]),
    );
    // The accepted list is the server's answer after the change, not the cache.
    expect(server.routeNames().slice(-5)).toEqual([
      'deletePasskey',
      'verifyOptions',
      'verify',
      'deletePasskey',
      'listPasskeys',
    ]);
    expect(webauthn.signals[0]!.options).toEqual({ rpId: 'localhost', credentialId: yubikeyId });
    expect(webauthn.signals[1]!.options.allAcceptedCredentialIds).toEqual(
      server.state.passkeys.map((p) => p.credentialId),
    );
  });

  it('keeps the passkey when the confirmation is declined', async () => {
    const { server, user } = renderWithLatchkey(<PasskeyList />, { server: three });
    await waitFor(() => expect(list()).toHaveAttribute('data-state', 'ready'));
    await user.click(within(item('MacBook')).getByRole('button', { name: 'Remove' }));
    await user.click(within(item('MacBook')).getByRole('button', { name: 'Keep' }));
    expect(item('MacBook')).toHaveAttribute('data-state', 'active');
    expect(server.routeNames()).not.toContain('deletePasskey');
  });

  it('explains the last-credential guard', async () => {
    const { container, user } = renderWithLatchkey(<PasskeyList />, {
      server: { signedIn: true, elevated: true, passkeys: [{ name: 'MacBook' }] },
    });
    await waitFor(() => expect(list()).toHaveAttribute('data-state', 'ready'));
    await user.click(within(item('MacBook')).getByRole('button', { name: 'Remove' }));
    await user.click(within(item('MacBook')).getByRole('button', { name: 'Remove passkey' }));
    await waitFor(() =>
      expect(screen.getByRole('status')).toHaveTextContent(
        'This is your only passkey. Add another one before removing it.',
      ),
    );
    expect(item('MacBook')).toHaveAttribute('data-state', 'active');
    await expectAccessible(container);
  });

  it('keeps the passkey when the step-up is cancelled', async () => {
    const { server, user } = renderWithLatchkey(<PasskeyList />, {
      server: three,
      webauthn: { outcome: 'cancel' },
    });
    await waitFor(() => expect(list()).toHaveAttribute('data-state', 'ready'));
    await user.click(within(item('YubiKey')).getByRole('button', { name: 'Remove' }));
    await user.click(within(item('YubiKey')).getByRole('button', { name: 'Remove passkey' }));
    await waitFor(() =>
      expect(screen.getByRole('status')).toHaveTextContent('The passkey request was cancelled.'),
    );
    expect(item('YubiKey')).toBeInTheDocument();
    expect(server.state.passkeys).toHaveLength(3);
  });
});
