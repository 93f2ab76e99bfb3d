import { act, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { expectAccessible } from '../../testing/expect-accessible.js';
import { waitForSnapshot } from '../../testing/wait-for-snapshot.js';
import { loadDeviceKey } from '../device-key/device-key.js';
import { memoryDeviceKeyStore } from '../device-key/device-key-store.js';
import { lockedSessions } from '../locked-sessions.js';
import { cleanupLocked, renderLocked } from '../testing/render-locked.js';
import { TierUpgrade } from './tier-upgrade.js';

afterEach(cleanupLocked);

const signedIn = { signedIn: true, passkeys: [{ name: 'MacBook' }] } as const;

describe('TierUpgrade', () => {
  it('locks the account after a step-up, binding this session to the device key', async () => {
    const keyStore = memoryDeviceKeyStore();
    const onChanged = vi.fn();
    const { container, server, user, webauthn, store } = renderLocked(
      <TierUpgrade keyStore={keyStore} onChanged={onChanged} />,
      { server: signedIn },
    );
    const button = await screen.findByRole('button', { name: 'Lock sessions to my devices' });
    expect(button).toHaveAttribute('data-state', 'standard');
    expect(button).toHaveAccessibleDescription(/copied session cookie is useless/);
    await expectAccessible(container);

    webauthn.pause();
    await user.click(button);
    const pending = await screen.findByRole('button', { name: 'Confirm with your passkey…' });
    expect(pending).toHaveAttribute('aria-busy', 'true');
    expect(pending).toHaveAttribute('data-state', 'pending');
    webauthn.resume();

    await waitFor(() =>
      expect(screen.getByRole('status')).toHaveTextContent(
        'Sessions are now locked to your devices.',
      ),
    );
    // The first attempt asked for a step-up; the second carried the device key.
    expect(server.routeNames().filter((r) => r === 'setTier' || r === 'verify')).toEqual([
      'setTier',
      'verify',
      'setTier',
    ]);
    expect(server.boundKey()).toEqual((await loadDeviceKey(keyStore))?.publicJwk);
    expect(store.getSnapshot().user?.tier).toBe('locked');
    expect(store.getSnapshot().session?.locked).toBe(true);
    expect(onChanged).toHaveBeenCalledWith('locked');
    expect(screen.queryByRole('button')).toBeNull();
    expect(container.querySelector('[data-latchkey-tier-upgrade]')).toHaveAttribute(
      'data-state',
      'locked',
    );
    await expectAccessible(container);
  });

  it('starts proving as soon as the session becomes locked (the session id stays the same)', async () => {
    const keyStore = memoryDeviceKeyStore();
    const { server, user } = renderLocked(<TierUpgrade keyStore={keyStore} />, {
      server: signedIn,
      extensions: [lockedSessions({ keyStore })],
    });
    await user.click(await screen.findByRole('button', { name: 'Lock sessions to my devices' }));
    await waitFor(() => expect(server.proofs.length).toBeGreaterThanOrEqual(1));
  });

  it('offers to go back to standard with allowDowngrade', async () => {
    const { server, user, store } = renderLocked(
      <TierUpgrade keyStore={memoryDeviceKeyStore()} allowDowngrade />,
      { server: { ...signedIn, elevated: true } },
    );
    await user.click(await screen.findByRole('button', { name: 'Lock sessions to my devices' }));
    await user.click(await screen.findByRole('button', { name: 'Stop locking sessions' }));
    await waitFor(() =>
      expect(screen.getByRole('status')).toHaveTextContent('Sessions are no longer locked.'),
    );
    expect(store.getSnapshot().user?.tier).toBe('standard');
    expect(server.routeNames()).not.toContain('verify');
  });

  it('explains when this browser cannot keep a device key', async () => {
    const onError = vi.fn();
    const { user, server } = renderLocked(<TierUpgrade onError={onError} />, {
      server: { ...signedIn, elevated: true },
    });
    // No keyStore: the default is IndexedDB, which jsdom lacks.
    await user.click(await screen.findByRole('button', { name: 'Lock sessions to my devices' }));
    await waitFor(() =>
      expect(screen.getByRole('status')).toHaveTextContent(/cannot keep a device key/),
    );
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ code: 'POP_REQUIRED' }));
    expect(server.routeNames()).not.toContain('setTier');
  });

  it('renders nothing while signed out', async () => {
    const { container, store } = renderLocked(<TierUpgrade />, { server: { signedIn: false } });
    // The session is known to be signed out, and React has rendered that.
    await act(() => waitForSnapshot(store, (s) => s.status === 'unauthenticated'));
    expect(container.querySelector('[data-latchkey-tier-upgrade]')).toBeNull();
  });
});
