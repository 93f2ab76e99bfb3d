import { screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { expectAccessible } from '../testing/expect-accessible.js';
import { cleanupLatchkey, renderWithLatchkey } from '../testing/render-with-latchkey.js';
import { EmailLinkLanding } from './email-link-landing.js';

afterEach(() => {
  cleanupLatchkey();
  window.history.replaceState(null, '', '/');
});

const TOKEN = 'tok_0123456789abcdef0123456789';
const landing = () => screen.getByRole('region', { name: 'Email link' });

describe('EmailLinkLanding', () => {
  it('signs in once with the token from the address bar, and removes it from there', async () => {
    window.history.replaceState(null, '', `/email-link#token=${TOKEN}`);
    const onSignedIn = vi.fn();
    const { container, server, store } = renderWithLatchkey(
      <EmailLinkLanding onSignedIn={onSignedIn} />,
      { server: { emailLinks: { [TOKEN]: {} } } },
    );
    expect(window.location.hash).toBe('');
    await waitFor(() => expect(landing()).toHaveAttribute('data-state', 'signed-in'));
    expect(screen.getByRole('status')).toHaveTextContent('You are signed in.');
    // StrictMode runs the effect twice; a link works once, so it is posted once.
    expect(server.routeNames().filter((name) => name === 'emailVerify')).toHaveLength(1);
    expect(store.getSnapshot().session?.kind).toBe('email');
    expect(onSignedIn).toHaveBeenCalledTimes(1);
    await expectAccessible(container);
  });

  it('asks to confirm a link opened in another browser, then signs in', async () => {
    const { container, user, server } = renderWithLatchkey(<EmailLinkLanding token={TOKEN} />, {
      server: { emailLinks: { [TOKEN]: { elsewhere: true } } },
    });
    const confirm = await screen.findByRole('button', { name: 'Sign in on this browser' });
    expect(landing()).toHaveAttribute('data-state', 'confirm');
    expect(confirm).toHaveAccessibleDescription(/asked for in another browser/);
    expect(server.state.session).toBeNull();
    await expectAccessible(container);
    await user.click(confirm);
    await waitFor(() => expect(landing()).toHaveAttribute('data-state', 'signed-in'));
    expect(server.calls.filter((c) => c.route === 'emailVerify').map((c) => c.body)).toEqual([
      { token: TOKEN },
      { token: TOKEN, confirm: true },
    ]);
    expect(server.state.session?.kind).toBe('email');
  });

  it('says in words that a used or expired link does not work', async () => {
    const { container } = renderWithLatchkey(<EmailLinkLanding token={TOKEN} />);
    await waitFor(() => expect(landing()).toHaveAttribute('data-state', 'error'));
    expect(screen.getByRole('status')).toHaveTextContent(
      'This link has expired or was already used. Ask for a new one.',
    );
    await expectAccessible(container);
  });

  it('verifies an address without signing in', async () => {
    const onVerified = vi.fn();
    const { server } = renderWithLatchkey(
      <EmailLinkLanding token={TOKEN} onVerified={onVerified} />,
      { server: { emailLinks: { [TOKEN]: { purpose: 'verify' } } } },
    );
    await waitFor(() => expect(landing()).toHaveAttribute('data-state', 'verified'));
    expect(screen.getByRole('status')).toHaveTextContent('Your email address is verified.');
    expect(server.state.session).toBeNull();
    expect(onVerified.mock.calls[0]?.[0].user.emailVerified).toBe(true);
  });

  it('says so when the address has no token, and posts nothing', () => {
    const { server } = renderWithLatchkey(<EmailLinkLanding />);
    expect(landing()).toHaveAttribute('data-state', 'idle');
    expect(screen.getByRole('status')).toHaveTextContent('this address has no link in it');
    expect(server.routeNames()).not.toContain('emailVerify');
  });

  it('is busy while the link is checked', () => {
    renderWithLatchkey(<EmailLinkLanding token={TOKEN} />, { server: { hang: ['emailVerify'] } });
    expect(landing()).toHaveAttribute('aria-busy', 'true');
    expect(screen.getByRole('status')).toHaveTextContent('Checking your link…');
  });
});
