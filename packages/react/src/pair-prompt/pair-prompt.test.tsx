import { act, screen, waitFor } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { resetPairPromptDismissal } from '../client/pair-prompt-dismissal.js';
import { expectAccessible } from '../testing/expect-accessible.js';
import { installFakeClock } from '../testing/fake-clock.js';
import { cleanupLatchkey, renderWithLatchkey } from '../testing/render-with-latchkey.js';
import { PairPrompt } from './pair-prompt.js';

afterEach(cleanupLatchkey);

const TITLE = 'Use a passkey on this device';
const prompt = () => screen.getByRole('region', { name: TITLE });
const fresh = { user: null } as const;
// An account whose passkeys live elsewhere; this device has none and no session.
const newDevice = { server: { passkeys: [{ name: 'MacBook' }] }, webauthn: { credentials: [] } };

function Controlled() {
  const [open, setOpen] = useState(true);
  return (
    <>
      <PairPrompt open={open} onOpenChange={setOpen} />
      <button type="button" onClick={() => setOpen(true)}>
        Show
      </button>
    </>
  );
}

describe('PairPrompt', () => {
  it('appears while the RP ID has no passkey (grace) and offers both ways in', async () => {
    const { container } = renderWithLatchkey(<PairPrompt />, { server: fresh });
    expect(await screen.findByRole('region', { name: TITLE })).toHaveAttribute(
      'data-state',
      'choose',
    );
    expect(prompt()).toHaveAccessibleDescription('This device has no passkey for this site yet.');
    expect(
      await screen.findByRole('button', { name: 'Create a passkey here' }),
    ).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Pair with a trusted device' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Not now' })).toBeInTheDocument();
    await expectAccessible(container);
  });

  it('stays hidden when the RP ID already has passkeys and the app does not say otherwise', async () => {
    const { store } = renderWithLatchkey(<PairPrompt />, newDevice);
    await waitFor(() => expect(store.getSnapshot().status).toBe('unauthenticated'));
    expect(screen.queryByRole('region')).toBeNull();
  });

  it('appears when the app says this device needs a passkey', async () => {
    renderWithLatchkey(<PairPrompt needed />, newDevice);
    expect(await screen.findByRole('region', { name: TITLE })).toBeInTheDocument();
  });

  it('remembers a dismissal per RP ID until it is reset', async () => {
    const onOpenChange = vi.fn();
    const { user } = renderWithLatchkey(<PairPrompt onOpenChange={onOpenChange} />, {
      server: fresh,
    });
    await user.click(await screen.findByRole('button', { name: 'Not now' }));
    expect(screen.queryByRole('region')).toBeNull();
    expect(onOpenChange).toHaveBeenCalledWith(false);
    expect(localStorage.getItem('latchkey:pair-prompt-dismissed:localhost')).not.toBeNull();

    act(() => resetPairPromptDismissal('localhost'));
    expect(await screen.findByRole('region', { name: TITLE })).toBeInTheDocument();
    expect(localStorage.getItem('latchkey:pair-prompt-dismissed:localhost')).toBeNull();
  });

  it('stays dismissed on the next visit', async () => {
    localStorage.setItem('latchkey:pair-prompt-dismissed:localhost', '2025-06-01T12:00:00.000Z');
    const { store } = renderWithLatchkey(<PairPrompt />, { server: fresh });
    await waitFor(() => expect(store.getSnapshot().status).toBe('unauthenticated'));
    expect(screen.queryByRole('region')).toBeNull();
    act(() => resetPairPromptDismissal());
    expect(await screen.findByRole('region', { name: TITLE })).toBeInTheDocument();
  });

  it('honours defaultOpen', async () => {
    const { store } = renderWithLatchkey(<PairPrompt defaultOpen={false} />, { server: fresh });
    await waitFor(() => expect(store.getSnapshot().status).toBe('unauthenticated'));
    expect(screen.queryByRole('region')).toBeNull();
  });

  it('is controlled by open and onOpenChange', async () => {
    const { user } = renderWithLatchkey(<Controlled />, newDevice);
    await user.click(await screen.findByRole('button', { name: 'Not now' }));
    expect(screen.queryByRole('region')).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Show' }));
    expect(screen.getByRole('region', { name: TITLE })).toBeInTheDocument();
  });

  it('enrols here, shows the first recovery codes, and closes when done', async () => {
    const onEnrolled = vi.fn();
    const { container, user, store } = renderWithLatchkey(<PairPrompt onEnrolled={onEnrolled} />, {
      server: fresh,
    });
    await user.click(await screen.findByRole('button', { name: 'Create a passkey here' }));
    await waitFor(() => expect(prompt()).toHaveAttribute('data-state', 'enrolled'));
    expect(screen.getAllByRole('status').map((s) => s.textContent)).toContain(
      'This device now has a passkey.',
    );
    expect(screen.getByRole('region', { name: 'Recovery codes' })).toBeInTheDocument();
    expect(onEnrolled).toHaveBeenCalledTimes(1);
    // The session left grace, but the prompt stays until the user is done.
    expect(store.getSnapshot().rp?.grace).toBe(false);
    await expectAccessible(container);
    await user.click(screen.getByRole('button', { name: 'Done' }));
    expect(screen.queryByRole('region', { name: TITLE })).toBeNull();
  });

  it('sends the extensions’ device key when it collects the paired session', async () => {
    const popKey = { kty: 'EC', crv: 'P-256', x: 'x'.repeat(43), y: 'y'.repeat(43) } as const;
    const { user, server } = renderWithLatchkey(<PairPrompt needed pollInterval={5} />, {
      ...newDevice,
      server: { ...newDevice.server, pairing: { outcome: 'approved', pendingPolls: 1 } },
      extensions: [{ popKey: async () => popKey }],
    });
    await user.click(await screen.findByRole('button', { name: 'Pair with a trusted device' }));
    await waitFor(() => expect(prompt()).toHaveAttribute('data-state', 'approved'));
    const polls = server.calls.filter((c) => c.route === 'pairingStatus');
    expect(polls.length).toBeGreaterThan(0);
    for (const poll of polls)
      expect(JSON.parse(poll.headers?.get('latchkey-pop-key') ?? 'null')).toEqual(popKey);
  });

  it('pairs with a trusted device: shows the code, waits, then enrols', async () => {
    const { container, user, server, store } = renderWithLatchkey(
      <PairPrompt needed pollInterval={5} />,
      {
        ...newDevice,
        server: { ...newDevice.server, pairing: { outcome: 'approved', pendingPolls: 2 } },
      },
    );
    await user.click(await screen.findByRole('button', { name: 'Pair with a trusted device' }));
    const code = await screen.findByRole('status', { name: /enter this code/ });
    expect(code).toHaveTextContent('K7QM-4XT2');
    expect(code.tagName).toBe('OUTPUT');
    expect(prompt()).toHaveAttribute('data-state', 'pending');
    expect(prompt()).toHaveAttribute('aria-busy', 'true');
    await expectAccessible(container);

    await waitFor(() => expect(prompt()).toHaveAttribute('data-state', 'approved'));
    expect(store.getSnapshot().session?.kind).toBe('enrol');
    expect(server.routeNames().filter((r) => r === 'pairingStatus')).toHaveLength(3);
    await expectAccessible(container);

    await user.click(screen.getByRole('button', { name: 'Create a passkey here' }));
    await waitFor(() => expect(prompt()).toHaveAttribute('data-state', 'enrolled'));
    expect(store.getSnapshot().session?.kind).toBe('full');
    expect(server.state.passkeys).toHaveLength(2);
    // Not the account's first passkey: no recovery codes.
    expect(screen.queryByRole('region', { name: 'Recovery codes' })).toBeNull();
  });

  it.each([
    ['denied', 'The other device denied the request.'],
    ['expired', 'The code expired before it was approved.'],
  ] as const)('reports a %s pairing and offers to try again', async (outcome, text) => {
    const { container, user, server } = renderWithLatchkey(<PairPrompt needed pollInterval={5} />, {
      ...newDevice,
      server: { ...newDevice.server, pairing: { outcome } },
    });
    await user.click(await screen.findByRole('button', { name: 'Pair with a trusted device' }));
    await waitFor(() => expect(prompt()).toHaveAttribute('data-state', outcome));
    expect(screen.getByText(text)).toBeInTheDocument();
    await expectAccessible(container);
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    await waitFor(() =>
      expect(server.routeNames().filter((r) => r === 'startPairing')).toHaveLength(2),
    );
  });

  it('pairing approval consent phishing: says the approving device must show exactly this code', async () => {
    const { user } = renderWithLatchkey(<PairPrompt needed pollInterval={5} />, {
      ...newDevice,
      server: { ...newDevice.server, pairing: { outcome: 'approved', pendingPolls: 50 } },
    });
    await user.click(await screen.findByRole('button', { name: 'Pair with a trusted device' }));
    await screen.findByRole('status', { name: /enter this code/ });
    expect(prompt()).toHaveTextContent(
      'The device that approves shows this code again: approve only if it is exactly the same. Never send it to anyone.',
    );
  });

  it('renders the app’s extra content for the code, such as a QR of the approval link', async () => {
    const { user } = renderWithLatchkey(
      <PairPrompt
        needed
        pollInterval={5}
        renderCode={(code) => <a href={`/pair?code=${code}`}>Scan or open the approval link</a>}
      />,
      {
        ...newDevice,
        server: { ...newDevice.server, pairing: { outcome: 'approved', pendingPolls: 50 } },
      },
    );
    await user.click(await screen.findByRole('button', { name: 'Pair with a trusted device' }));
    const link = await screen.findByRole('link', { name: 'Scan or open the approval link' });
    expect(link).toHaveAttribute('href', '/pair?code=K7QM-4XT2');
  });

  it('reports a refused pairing request', async () => {
    const { container, user } = renderWithLatchkey(<PairPrompt needed />, {
      ...newDevice,
      server: { ...newDevice.server, fail: { startPairing: 'RATE_LIMITED' } },
    });
    await user.click(await screen.findByRole('button', { name: 'Pair with a trusted device' }));
    await waitFor(() => expect(prompt()).toHaveAttribute('data-state', 'error'));
    expect(screen.getByText('Too many attempts. Wait a moment and try again.')).toBeInTheDocument();
    await expectAccessible(container);
  });

  it('cancels a pairing and goes back to the choice', async () => {
    const clock = installFakeClock();
    const { user, server } = renderWithLatchkey(<PairPrompt needed pollInterval={5} />, {
      ...newDevice,
      server: { ...newDevice.server, pairing: { pendingPolls: 1000 } },
    });
    await user.click(await screen.findByRole('button', { name: 'Pair with a trusted device' }));
    await screen.findByText('K7QM-4XT2');
    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(prompt()).toHaveAttribute('data-state', 'choose');
    const polls = server.routeNames().filter((r) => r === 'pairingStatus').length;
    // A thousand poll intervals later, no poll has been sent.
    await act(() => clock.leap(5_000));
    expect(server.routeNames().filter((r) => r === 'pairingStatus')).toHaveLength(polls);
  });
});
