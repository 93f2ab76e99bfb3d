import { screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { expectAccessible } from '../testing/expect-accessible.js';
import { cleanupLatchkey, renderWithLatchkey } from '../testing/render-with-latchkey.js';
import { PasskeyEnrolButton } from './passkey-enrol-button.js';

afterEach(() => {
  cleanupLatchkey();
  vi.restoreAllMocks();
});

const CHROME_MAC =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
// Stepped up a moment ago: adding a passkey from a full session needs it.
const signedIn = { signedIn: true, elevated: true, passkeys: [{ name: 'MacBook' }] } as const;
// The account's passkey lives on another device: this authenticator holds none.
const otherDevice = { credentials: [] };

describe('PasskeyEnrolButton', () => {
  it('renders an idle button', async () => {
    const { container } = renderWithLatchkey(<PasskeyEnrolButton />, { server: signedIn });
    const button = await screen.findByRole('button', { name: 'Create a passkey' });
    expect(button).toHaveAttribute('data-state', 'idle');
    expect(button).toHaveAttribute('aria-busy', 'false');
    expect(button).toHaveAttribute('type', 'button');
    await expectAccessible(container);
  });

  // One parser names a passkey made without a name, the server's (core's `defaultPasskeyName`):
  // the kit sends none, so the kit and the server cannot disagree ("Firefox on iPhone").
  it('leaves an untyped name to the server', async () => {
    const { user, server } = renderWithLatchkey(<PasskeyEnrolButton />, {
      server: signedIn,
      webauthn: otherDevice,
    });
    await user.click(await screen.findByRole('button', { name: 'Create a passkey' }));
    await waitFor(() => expect(server.calls.some((c) => c.route === 'register')).toBe(true));
    expect(server.calls.find((c) => c.route === 'register')?.body).not.toHaveProperty('name');
  });

  it('enrols a passkey named after the browser, busy while the prompt is open', async () => {
    vi.spyOn(navigator, 'userAgent', 'get').mockReturnValue(CHROME_MAC);
    const onEnrolled = vi.fn();
    const { container, webauthn, user } = renderWithLatchkey(
      <PasskeyEnrolButton onEnrolled={onEnrolled} />,
      {
        server: signedIn,
        webauthn: otherDevice,
      },
    );
    webauthn.pause();
    await user.click(await screen.findByRole('button', { name: 'Create a passkey' }));
    const button = screen.getByRole('button', { name: 'Follow your device’s prompt…' });
    await waitFor(() => expect(webauthn.requests).toHaveLength(1));
    expect(button).toHaveAttribute('data-state', 'pending');
    expect(button).toHaveAttribute('aria-busy', 'true');
    await expectAccessible(container);

    webauthn.resume();
    await waitFor(() => expect(button).toHaveAttribute('data-state', 'success'));
    expect(screen.getByRole('status')).toHaveTextContent('Passkey created.');
    expect(onEnrolled).toHaveBeenCalledWith(
      expect.objectContaining({ passkey: expect.objectContaining({ name: 'Chrome on macOS' }) }),
    );
    // Not a first enrolment: no recovery codes.
    expect(screen.queryByText('Recovery codes')).toBeNull();
    await expectAccessible(container);
  });

  it('steps up with an existing passkey first when the session has not', async () => {
    const { webauthn, user, server } = renderWithLatchkey(<PasskeyEnrolButton />, {
      server: { signedIn: true, passkeys: [{ name: 'MacBook' }] },
    });
    webauthn.pause();
    await user.click(await screen.findByRole('button', { name: 'Create a passkey' }));
    // The step-up: this authenticator holds the account's passkey.
    await waitFor(() => expect(webauthn.requests).toHaveLength(1));
    expect(webauthn.requests[0]!.kind).toBe('get');
    webauthn.resume();
    webauthn.pause();
    // The new passkey goes on another authenticator (a security key, say).
    await waitFor(() => expect(webauthn.requests).toHaveLength(2));
    expect(webauthn.requests[1]!.kind).toBe('create');
    webauthn.credentials.splice(0);
    webauthn.resume();
    await waitFor(() => expect(screen.getByRole('status')).toHaveTextContent('Passkey created.'));
    expect(server.routeNames().filter((r) => r !== 'getSession')).toEqual([
      'registerOptions',
      'verifyOptions',
      'verify',
      'registerOptions',
      'register',
    ]);
  });

  it('uses the name it is given', async () => {
    const { user, server } = renderWithLatchkey(<PasskeyEnrolButton name="  Work laptop " />, {
      server: signedIn,
      webauthn: otherDevice,
    });
    await user.click(await screen.findByRole('button', { name: 'Create a passkey' }));
    await waitFor(() => expect(server.routeNames()).toContain('register'));
    expect(server.calls.find((c) => c.route === 'register')?.body).toMatchObject({
      name: 'Work laptop',
    });
  });

  it('shows the recovery codes after an account’s first passkey', async () => {
    const { container, user, store } = renderWithLatchkey(
      <PasskeyEnrolButton email="grace@example.com" />,
      {
        server: { user: null },
      },
    );
    await user.click(await screen.findByRole('button', { name: 'Create a passkey' }));
    const codes = await screen.findByRole('region', { name: 'Recovery codes' });
    expect(codes.querySelectorAll('li')).toHaveLength(10);
    expect(screen.getByRole('button', { name: 'Create a passkey' })).toHaveAttribute(
      'data-state',
      'success',
    );
    expect(store.getSnapshot().user?.email).toBe('grace@example.com');
    await expectAccessible(container);
  });

  it('does not show recovery codes when told not to', async () => {
    renderWithLatchkey(<PasskeyEnrolButton showRecoveryCodes={false} />, {
      server: { user: null },
    });
    const user = (await import('@testing-library/user-event')).default.setup();
    await user.click(await screen.findByRole('button', { name: 'Create a passkey' }));
    await waitFor(() => expect(screen.getByRole('status')).toHaveTextContent('Passkey created.'));
    expect(screen.queryByRole('region', { name: 'Recovery codes' })).toBeNull();
  });

  it('goes back to idle with a message when the prompt is cancelled', async () => {
    const onError = vi.fn();
    const { container, user } = renderWithLatchkey(<PasskeyEnrolButton onError={onError} />, {
      server: signedIn,
      webauthn: { outcome: 'cancel' },
    });
    await user.click(await screen.findByRole('button', { name: 'Create a passkey' }));
    await waitFor(() =>
      expect(screen.getByRole('status')).toHaveTextContent('The passkey request was cancelled.'),
    );
    expect(screen.getByRole('button', { name: 'Create a passkey' })).toHaveAttribute(
      'data-state',
      'idle',
    );
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ code: 'CEREMONY_CANCELLED' }));
    await expectAccessible(container);
  });

  it('reports an authenticator that already holds a passkey for the account', async () => {
    const { container, user } = renderWithLatchkey(<PasskeyEnrolButton />, { server: signedIn });
    await user.click(await screen.findByRole('button', { name: 'Create a passkey' }));
    await waitFor(() =>
      expect(screen.getByRole('status')).toHaveTextContent(
        'This device already has a passkey for your account.',
      ),
    );
    expect(screen.getByRole('button', { name: 'Create a passkey' })).toHaveAttribute(
      'data-state',
      'error',
    );
    await expectAccessible(container);
  });

  it('reports a server refusal', async () => {
    const { user } = renderWithLatchkey(<PasskeyEnrolButton />, {
      server: { user: null, signUp: 'closed' },
    });
    await user.click(await screen.findByRole('button', { name: 'Create a passkey' }));
    await waitFor(() => expect(screen.getByRole('status')).toHaveTextContent('Sign-up is closed.'));
  });

  it('explains when the browser has no WebAuthn', async () => {
    const { container } = renderWithLatchkey(<PasskeyEnrolButton />, {
      webauthn: { supported: false },
    });
    expect(await screen.findByRole('note')).toHaveTextContent('This browser cannot use passkeys.');
    expect(screen.queryByRole('button')).toBeNull();
    await expectAccessible(container);
  });

  it('renders nothing without WebAuthn when asked to hide', async () => {
    const { container } = renderWithLatchkey(
      <>
        <PasskeyEnrolButton whenUnsupported="hide" />
        <PasskeyEnrolButton />
      </>,
      { webauthn: { supported: false } },
    );
    // The second button, mounted after the first, has finished the same detection.
    expect(await screen.findByRole('note')).toHaveTextContent('This browser cannot use passkeys.');
    expect(screen.queryByRole('button')).toBeNull();
    expect(screen.getAllByRole('note')).toHaveLength(1);
    expect(container.querySelectorAll('[data-latchkey-enrol-button]')).toHaveLength(1);
  });

  it('hints at a phone or security key when there is no platform authenticator', async () => {
    const { container } = renderWithLatchkey(<PasskeyEnrolButton />, {
      server: signedIn,
      webauthn: { platformAuthenticator: false },
    });
    const button = await screen.findByRole('button', { name: 'Create a passkey' });
    await waitFor(() => expect(button).toHaveAccessibleDescription(/phone or a security key/));
    await expectAccessible(container);
  });

  it('renders its child with asChild, composing refs and handlers (the child’s first)', async () => {
    const order: string[] = [];
    let node: HTMLElement | null = null;
    const { user, server } = renderWithLatchkey(
      <PasskeyEnrolButton
        asChild
        className="kit"
        ref={(el) => {
          node = el;
        }}
      >
        <a href="/account/passkeys/new" className="mine" onClick={() => order.push('child')}>
          Add a passkey
        </a>
      </PasskeyEnrolButton>,
      { server: { ...signedIn, passkeys: [] } },
    );
    const link = await screen.findByRole('link', { name: 'Add a passkey' });
    expect(link).toHaveClass('kit', 'mine');
    expect(link).toHaveAttribute('data-state', 'idle');
    expect(link).not.toHaveAttribute('type');
    expect(node).toBe(link);
    await user.click(link);
    expect(order).toEqual(['child']);
    await waitFor(() => expect(server.routeNames()).toContain('register'));
  });
});
