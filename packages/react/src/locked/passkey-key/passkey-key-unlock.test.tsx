import { act, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { expectAccessible } from '../../testing/expect-accessible.js';
import { waitForSnapshot } from '../../testing/wait-for-snapshot.js';
import { credentialIdOf } from '../testing/prf-authenticator.js';
import { cleanupLocked, renderLocked } from '../testing/render-locked.js';
import { PasskeyKeyUnlock } from './passkey-key-unlock.js';
import { usePasskeyKey } from './use-passkey-key.js';

afterEach(cleanupLocked);

const MACBOOK = credentialIdOf('MacBook');
const PHONE = credentialIdOf('Phone');
const twoPasskeys = {
  signedIn: true,
  passkeys: [
    { name: 'MacBook', prf: true },
    { name: 'Phone', prf: true },
  ],
} as const;

/** A note written with the key, read by another component under the same provider. */
function Note({ text }: { text: string }) {
  const key = usePasskeyKey();
  return (
    <button
      type="button"
      disabled={key.status !== 'unlocked'}
      onClick={async () => {
        const envelope = await key.encrypt(text);
        const opened = await key.decryptText(envelope);
        document.title = `${envelope.slice(0, 3)}|${opened.data}`;
      }}
    >
      Seal
    </button>
  );
}

describe('PasskeyKeyUnlock', () => {
  it('warns that losing every passkey loses the data, sets up the key, and shares it', async () => {
    const onUnlocked = vi.fn();
    const { container, user, server } = renderLocked(
      <>
        <PasskeyKeyUnlock onUnlocked={onUnlocked} />
        <Note text="hello" />
      </>,
      { server: twoPasskeys, prf: [MACBOOK, PHONE] },
    );
    const section = container.querySelector('[data-latchkey-passkey-key]')!;
    expect(screen.getByRole('note')).toHaveTextContent(/lose every passkey .* lost for good/);
    const setUp = await screen.findByRole('button', {
      name: 'Set up encryption with your passkey',
    });
    expect(section).toHaveAttribute('data-state', 'locked');
    await expectAccessible(container);

    await user.click(setUp);
    await waitFor(() =>
      expect(screen.getByRole('status')).toHaveTextContent('Encryption is set up and unlocked.'),
    );
    expect(section).toHaveAttribute('data-state', 'unlocked');
    expect(onUnlocked).toHaveBeenCalledWith({ credentialId: MACBOOK, created: true });
    await user.click(screen.getByRole('button', { name: 'Seal' }));
    await waitFor(() => expect(document.title).toBe('v2.|hello'));
    await expectAccessible(container);

    await user.click(screen.getByRole('button', { name: 'Also unlock with another passkey' }));
    await waitFor(() =>
      expect(screen.getByRole('status')).toHaveTextContent(
        'That passkey now unlocks your data too.',
      ),
    );
    expect([...server.wrappedKeys.keys()].sort()).toEqual([MACBOOK, PHONE].sort());
    expect(screen.queryByRole('button', { name: 'Also unlock with another passkey' })).toBeNull();

    await user.click(screen.getByRole('button', { name: 'Lock' }));
    expect(section).toHaveAttribute('data-state', 'locked');
    expect(screen.getByRole('button', { name: 'Unlock with your passkey' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Seal' })).toBeDisabled();
  });

  it('reports a failed unlock in the live region', async () => {
    const onError = vi.fn();
    const { user, container } = renderLocked(<PasskeyKeyUnlock onError={onError} />, {
      server: twoPasskeys,
      prf: [],
    });
    await user.click(
      await screen.findByRole('button', { name: 'Set up encryption with your passkey' }),
    );
    await waitFor(() =>
      expect(screen.getByRole('status')).toHaveTextContent(
        'That passkey cannot derive keys. Use another one.',
      ),
    );
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ code: 'PRF_UNSUPPORTED' }));
    expect(container.querySelector('[data-latchkey-passkey-key]')).toHaveAttribute(
      'data-state',
      'locked',
    );
    await expectAccessible(container);
  });

  it('explains when none of the user’s passkeys can derive keys', async () => {
    const { container } = renderLocked(<PasskeyKeyUnlock />, {
      server: { signedIn: true, passkeys: [{ name: 'Old key', prf: false }] },
    });
    await screen.findByText(/None of your passkeys on this site can derive keys/);
    expect(container.querySelector('[data-latchkey-passkey-key]')).toHaveAttribute(
      'data-state',
      'unsupported',
    );
    expect(screen.queryByRole('button')).toBeNull();
    await expectAccessible(container);
  });

  it('renders nothing while signed out', async () => {
    const { container, store } = renderLocked(<PasskeyKeyUnlock />, {
      server: { signedIn: false },
    });
    // The session is known to be signed out, and React has rendered that.
    await act(() => waitForSnapshot(store, (s) => s.status === 'unauthenticated'));
    expect(container.querySelector('[data-latchkey-passkey-key]')).toBeNull();
  });
});
