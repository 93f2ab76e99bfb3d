import { act, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useSession } from '../hooks/use-session.js';
import { expectAccessible } from '../testing/expect-accessible.js';
import { installFakeClock } from '../testing/fake-clock.js';
import { cleanupLatchkey, renderWithLatchkey } from '../testing/render-with-latchkey.js';
import { PasskeySignIn, type PasskeySignInFallbackContext } from './passkey-sign-in.js';

afterEach(cleanupLatchkey);

const account = { passkeys: [{ name: 'MacBook' }] };
const form = () => screen.getByRole('form', { hidden: true });

describe('PasskeySignIn', () => {
  it('renders an email field made for passkey autofill, and a button', async () => {
    const { container, webauthn } = renderWithLatchkey(<PasskeySignIn aria-label="Sign in" />, {
      server: account,
    });
    const email = screen.getByLabelText('Email');
    expect(email).toHaveAttribute('autocomplete', 'username webauthn');
    expect(email).toHaveAttribute('type', 'email');
    expect(screen.getByRole('button', { name: 'Sign in with a passkey' })).toBeEnabled();
    expect(form()).toHaveAttribute('data-state', 'idle');
    expect(form()).toHaveAttribute('aria-busy', 'false');
    await waitFor(() => expect(webauthn.conditionalPending).toBe(true));
    await expectAccessible(container);
  });

  it('keeps exactly one conditional request despite StrictMode’s doubled effects', async () => {
    const { webauthn } = renderWithLatchkey(<PasskeySignIn aria-label="Sign in" />, {
      server: account,
    });
    await waitFor(() => expect(webauthn.conditionalPending).toBe(true));
    expect(webauthn.requests.filter((r) => r.state === 'pending')).toHaveLength(1);
    expect(webauthn.requests.every((r) => r.mediation === 'conditional')).toBe(true);
  });

  it('signs in when the user picks a passkey from autofill', async () => {
    const onSignedIn = vi.fn();
    const { container, webauthn, store, server } = renderWithLatchkey(
      <PasskeySignIn aria-label="Sign in" onSignedIn={onSignedIn} />,
      { server: account },
    );
    await waitFor(() => expect(webauthn.conditionalPending).toBe(true));
    webauthn.chooseAutofill();
    await waitFor(() => expect(form()).toHaveAttribute('data-state', 'success'));
    expect(screen.getByRole('status')).toHaveTextContent('Signed in.');
    expect(onSignedIn).toHaveBeenCalledWith(
      expect.objectContaining({ user: expect.objectContaining({ id: 'usr_ada' }) }),
    );
    expect(store.getSnapshot().status).toBe('authenticated');
    // A conditional request never names an account (WebAuthn L3 §5.1.4.1).
    expect(server.calls.find((c) => c.route === 'authOptions')?.body).toEqual({});
    await expectAccessible(container);
  });

  it('tells the app about an autofill sign-in even when the sign-in itself unmounts the form', async () => {
    // A page that shows "you are signed in" instead of the form once the session says so:
    // the session changes before the ceremony's answer reaches the form.
    function SignInPage({ onSignedIn }: { onSignedIn: () => void }) {
      const { status } = useSession();
      if (status === 'authenticated') return <p>Already signed in</p>;
      return <PasskeySignIn aria-label="Sign in" onSignedIn={onSignedIn} />;
    }
    const onSignedIn = vi.fn();
    const { webauthn } = renderWithLatchkey(<SignInPage onSignedIn={onSignedIn} />, {
      server: account,
    });
    await waitFor(() => expect(webauthn.conditionalPending).toBe(true));
    webauthn.chooseAutofill();
    await screen.findByText('Already signed in');
    await waitFor(() => expect(onSignedIn).toHaveBeenCalledTimes(1));
  });

  it('aborts autofill, then runs a modal ceremony for the email typed, busy meanwhile', async () => {
    const { container, webauthn, user, server } = renderWithLatchkey(
      <PasskeySignIn aria-label="Sign in" />,
      {
        server: account,
      },
    );
    await waitFor(() => expect(webauthn.conditionalPending).toBe(true));
    webauthn.pause();
    await user.type(screen.getByLabelText('Email'), 'ada@example.com');
    await user.click(screen.getByRole('button', { name: 'Sign in with a passkey' }));

    await waitFor(() => expect(webauthn.requests.some((r) => r.mediation === 'modal')).toBe(true));
    expect(form()).toHaveAttribute('aria-busy', 'true');
    expect(form()).toHaveAttribute('data-state', 'pending');
    expect(screen.getByRole('button', { name: 'Follow your device’s prompt…' })).toHaveAttribute(
      'aria-disabled',
      'true',
    );
    expect(webauthn.requests[0]).toMatchObject({ mediation: 'conditional', state: 'rejected' });
    await expectAccessible(container);

    webauthn.resume();
    await waitFor(() => expect(form()).toHaveAttribute('data-state', 'success'));
    expect(server.calls.filter((c) => c.route === 'authOptions').at(-1)?.body).toEqual({
      email: 'ada@example.com',
    });
  });

  it('reports a cancelled prompt as an outcome and offers autofill again', async () => {
    const onError = vi.fn();
    const { container, webauthn, user } = renderWithLatchkey(
      <PasskeySignIn aria-label="Sign in" onError={onError} />,
      {
        server: account,
        webauthn: { outcome: 'cancel' },
      },
    );
    await waitFor(() => expect(webauthn.conditionalPending).toBe(true));
    await user.click(screen.getByRole('button', { name: 'Sign in with a passkey' }));
    await waitFor(() =>
      expect(screen.getByRole('status')).toHaveTextContent('The passkey request was cancelled.'),
    );
    expect(form()).toHaveAttribute('data-state', 'idle');
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ code: 'CEREMONY_CANCELLED' }));
    await waitFor(() => expect(webauthn.conditionalPending).toBe(true));
    await expectAccessible(container);
  });

  it('shows a clear error for a passkey the server does not know', async () => {
    const { container, webauthn, user } = renderWithLatchkey(
      <PasskeySignIn aria-label="Sign in" />,
      {
        server: account,
        webauthn: {
          credentials: [{ id: 'c3RyYW5nZXI', userHandle: 'aGFuZGxl', rpId: 'localhost' }],
        },
      },
    );
    await waitFor(() => expect(webauthn.conditionalPending).toBe(true));
    await user.click(screen.getByRole('button', { name: 'Sign in with a passkey' }));
    await waitFor(() => expect(form()).toHaveAttribute('data-state', 'error'));
    expect(screen.getByRole('status')).toHaveTextContent('This passkey is not recognised here.');
    await expectAccessible(container);
  });

  it('does not start autofill where conditional mediation is unavailable', async () => {
    const { webauthn, user, server } = renderWithLatchkey(<PasskeySignIn aria-label="Sign in" />, {
      server: account,
      webauthn: { conditionalMediation: false },
    });
    await user.click(screen.getByRole('button', { name: 'Sign in with a passkey' }));
    await waitFor(() => expect(form()).toHaveAttribute('data-state', 'success'));
    expect(webauthn.requests.map((r) => r.mediation)).toEqual(['modal']);
    expect(server.calls.find((c) => c.route === 'authOptions')?.body).toEqual({});
  });

  it('signs in with a discoverable passkey without an email field', async () => {
    const { webauthn, user } = renderWithLatchkey(
      <PasskeySignIn aria-label="Sign in" withEmail={false} />,
      {
        server: account,
      },
    );
    expect(screen.queryByLabelText('Email')).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Sign in with a passkey' }));
    await waitFor(() => expect(form()).toHaveAttribute('data-state', 'success'));
    expect(
      webauthn.requests.map((r) => [
        r.mediation,
        (r.publicKey as PublicKeyCredentialRequestOptions).allowCredentials,
      ]),
    ).toEqual([['modal', undefined]]);
  });

  it('explains when the browser has no WebAuthn', async () => {
    const { container } = renderWithLatchkey(<PasskeySignIn aria-label="Sign in" />, {
      webauthn: { supported: false },
    });
    expect(await screen.findByRole('note')).toHaveTextContent('This browser cannot use passkeys.');
    expect(screen.queryByRole('button')).toBeNull();
    await expectAccessible(container);
  });

  it('runs the user’s onSubmit first, and stops when it prevents the default', async () => {
    const order: string[] = [];
    const { user, server } = renderWithLatchkey(
      <PasskeySignIn
        aria-label="Sign in"
        autofill={false}
        onSubmit={(event) => {
          order.push('user');
          event.preventDefault();
        }}
      />,
      { server: account },
    );
    await user.click(screen.getByRole('button', { name: 'Sign in with a passkey' }));
    expect(order).toEqual(['user']);
    expect(server.calls.filter((c) => c.route === 'authOptions')).toHaveLength(0);
  });

  it('uses the labels it is given', async () => {
    renderWithLatchkey(
      <PasskeySignIn
        aria-label="Connexion"
        autofill={false}
        labels={{ email: 'Courriel', submit: 'Se connecter' }}
      />,
      { server: account },
    );
    expect(screen.getByLabelText('Courriel')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Se connecter' })).toBeInTheDocument();
  });

  it('forwards its ref to the form and takes a className', () => {
    let node: HTMLFormElement | null = null;
    renderWithLatchkey(
      <PasskeySignIn
        aria-label="Sign in"
        className="mine"
        ref={(el) => {
          node = el;
        }}
      />,
    );
    expect(node).toBeInstanceOf(HTMLFormElement);
    expect(form()).toHaveClass('mine');
  });
});

describe('PasskeySignIn autofill failures', () => {
  it('does not retry autofill by itself when the server refuses', async () => {
    const clock = installFakeClock();
    const { server } = renderWithLatchkey(<PasskeySignIn aria-label="Sign in" />, {
      server: { ...account, fail: { authOptions: 'RATE_LIMITED' } },
    });
    await waitFor(() => expect(screen.getByRole('status')).toHaveTextContent('Too many attempts.'));
    // StrictMode's first effect is aborted; the second asks once and stops.
    const asked = () => server.routeNames().filter((r) => r === 'authOptions').length;
    const before = asked();
    expect(before).toBeLessThanOrEqual(2);
    // Past any retry delay, with React's work done: nothing asks again.
    await act(() => clock.leap(600_000));
    expect(asked()).toBe(before);
    expect(form()).toHaveAttribute('data-state', 'error');
  });
});

describe('PasskeySignIn with a fallback', () => {
  const other = <p>Email me a link instead</p>;

  it('offers the fallback in place of the form on a browser without WebAuthn', async () => {
    const { container } = renderWithLatchkey(
      <PasskeySignIn aria-label="Sign in" fallback={other} />,
      { webauthn: { supported: false } },
    );
    expect(await screen.findByRole('note')).toHaveTextContent(
      'This browser cannot use passkeys. Sign in another way.',
    );
    const group = screen.getByRole('group', { name: 'Other ways to sign in' });
    expect(group).toHaveAttribute('data-reason', 'unsupported');
    expect(within(group).getByText('Email me a link instead')).toBeInTheDocument();
    expect(screen.queryByRole('button')).toBeNull();
    await expectAccessible(container);
  });

  it('keeps the fallback hidden while a passkey may still work', async () => {
    const { webauthn, user } = renderWithLatchkey(
      <PasskeySignIn aria-label="Sign in" fallback={other} />,
      { server: account },
    );
    await waitFor(() => expect(webauthn.conditionalPending).toBe(true));
    expect(screen.queryByRole('group')).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Sign in with a passkey' }));
    await waitFor(() => expect(form()).toHaveAttribute('data-state', 'success'));
    expect(screen.queryByText('Email me a link instead')).toBeNull();
  });

  it('offers the fallback after a failed attempt, with the email typed', async () => {
    const fallback = vi.fn(({ reason, email }: PasskeySignInFallbackContext) => (
      <p>
        {reason}: a link to {email}
      </p>
    ));
    const { container, user } = renderWithLatchkey(
      <PasskeySignIn aria-label="Sign in" fallback={fallback} />,
      {
        server: { ...account, fail: { authOptions: 'RATE_LIMITED' } },
        webauthn: { conditionalMediation: false },
      },
    );
    expect(await screen.findByRole('button')).toBeInTheDocument();
    expect(fallback).not.toHaveBeenCalled();
    await user.type(screen.getByLabelText('Email'), ' ada@example.com ');
    await user.click(screen.getByRole('button', { name: 'Sign in with a passkey' }));
    const group = await screen.findByRole('group', { name: 'Other ways to sign in' });
    expect(group).toHaveAttribute('data-reason', 'failed');
    expect(group).toHaveTextContent('failed: a link to ada@example.com');
    // The form stays: a passkey may still be tried.
    expect(screen.getByRole('status')).toHaveTextContent('Too many attempts.');
    expect(group.previousElementSibling).toBe(form());
    await expectAccessible(container);
  });

  it('offers the fallback after a cancelled prompt: there may be no passkey here', async () => {
    const { webauthn, user } = renderWithLatchkey(
      <PasskeySignIn aria-label="Sign in" fallback={other} />,
      { server: account, webauthn: { outcome: 'cancel' } },
    );
    await waitFor(() => expect(webauthn.conditionalPending).toBe(true));
    await user.click(screen.getByRole('button', { name: 'Sign in with a passkey' }));
    expect(await screen.findByText('Email me a link instead')).toBeInTheDocument();
    expect(form()).toHaveAttribute('data-state', 'idle');
  });

  it('offers the fallback when autofill fails', async () => {
    renderWithLatchkey(<PasskeySignIn aria-label="Sign in" fallback={other} />, {
      server: { ...account, fail: { authOptions: 'RATE_LIMITED' } },
    });
    expect(await screen.findByText('Email me a link instead')).toBeInTheDocument();
  });
});
