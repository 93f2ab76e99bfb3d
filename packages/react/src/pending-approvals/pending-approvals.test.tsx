import { screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { expectAccessible } from '../testing/expect-accessible.js';
import { cleanupLatchkey, renderWithLatchkey } from '../testing/render-with-latchkey.js';
import { PendingApprovals } from './pending-approvals.js';

afterEach(cleanupLatchkey);

const ICON = 'data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciLz4=';
const DARK =
  'data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciIGZpbGw9IndoaXRlIi8+';
const waiting = {
  signedIn: true,
  passkeys: [
    { name: 'MacBook' },
    {
      name: 'Pixel 8',
      status: 'pending',
      provider: { name: 'Google Password Manager', icon: ICON, iconDark: DARK },
      createdWith: { browser: 'Chrome', os: 'Android', deviceType: 'mobile' },
    },
    { name: 'Work PC', status: 'pending', provider: { name: 'Windows Hello' } },
  ],
} as const;
const region = () => screen.getByRole('region', { name: 'Devices waiting for approval' });

describe('PendingApprovals', () => {
  it('is busy while loading', async () => {
    const { container } = renderWithLatchkey(<PendingApprovals />, {
      server: { signedIn: true, hang: ['listApprovals'] },
    });
    expect(region()).toHaveAttribute('data-state', 'loading');
    expect(region()).toHaveAttribute('aria-busy', 'true');
    await expectAccessible(container);
  });

  it('says so when nothing waits', async () => {
    const { container } = renderWithLatchkey(<PendingApprovals />, { server: { signedIn: true } });
    expect(await screen.findByText('No devices are waiting for approval.')).toBeInTheDocument();
    expect(region()).toHaveAttribute('data-state', 'empty');
    await expectAccessible(container);
  });

  it('reports a failure with a retry', async () => {
    const { container, server, user } = renderWithLatchkey(<PendingApprovals />, {
      server: { ...waiting, fail: { listApprovals: 'RATE_LIMITED' } },
    });
    expect(await screen.findByText(/Too many attempts/)).toBeInTheDocument();
    expect(region()).toHaveAttribute('data-state', 'error');
    await expectAccessible(container);
    server.fail('listApprovals', null);
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    await waitFor(() => expect(region()).toHaveAttribute('data-state', 'ready'));
  });

  it('lists the waiting devices', async () => {
    const { container } = renderWithLatchkey(<PendingApprovals locale="en-GB" />, {
      server: waiting,
    });
    const pixel = await screen.findByRole('listitem', { name: 'Pixel 8' });
    expect(screen.getAllByRole('listitem')).toHaveLength(2);
    expect(within(pixel).getByText('Google Password Manager')).toBeInTheDocument();
    expect(pixel.querySelector('picture > source')).toHaveAttribute('srcset', DARK);
    expect(pixel.querySelector('picture > img')).toHaveAttribute('src', ICON);
    expect(within(pixel).getByText('Added 11 Jan 2025 from Chrome on Android')).toBeInTheDocument();
    expect(within(pixel).getByRole('button', { name: 'Approve' })).toHaveAccessibleDescription(
      'Pixel 8',
    );
    await expectAccessible(container);
  });

  it('approves after a step-up', async () => {
    const onApproved = vi.fn();
    const { container, server, user, webauthn } = renderWithLatchkey(
      <PendingApprovals onApproved={onApproved} />,
      {
        server: waiting,
      },
    );
    const pixel = await screen.findByRole('listitem', { name: 'Pixel 8' });
    webauthn.pause();
    await user.click(within(pixel).getByRole('button', { name: 'Approve' }));
    await waitFor(() => expect(webauthn.requests).toHaveLength(1));
    expect(pixel).toHaveAttribute('data-state', 'busy');
    expect(region()).toHaveAttribute('aria-busy', 'true');
    await expectAccessible(container);
    webauthn.resume();

    await waitFor(() =>
      expect(screen.getByRole('status')).toHaveTextContent('Approved Pixel 8. It can sign in now.'),
    );
    expect(screen.queryByRole('listitem', { name: 'Pixel 8' })).toBeNull();
    expect(server.state.passkeys.find((p) => p.name === 'Pixel 8')?.status).toBe('active');
    expect(server.routeNames().slice(-4)).toEqual([
      'approvePasskey',
      'verifyOptions',
      'verify',
      'approvePasskey',
    ]);
    expect(onApproved).toHaveBeenCalledWith(expect.objectContaining({ name: 'Pixel 8' }));
  });

  it('denies, which removes the passkey', async () => {
    const { server, user } = renderWithLatchkey(<PendingApprovals />, {
      server: { ...waiting, elevated: true },
    });
    const pc = await screen.findByRole('listitem', { name: 'Work PC' });
    await user.click(within(pc).getByRole('button', { name: 'Deny' }));
    await waitFor(() =>
      expect(screen.getByRole('status')).toHaveTextContent(
        'Denied Work PC. Its passkey was removed.',
      ),
    );
    expect(server.state.passkeys.map((p) => p.name)).toEqual(['MacBook', 'Pixel 8']);
    expect(server.routeNames()).not.toContain('verify');
  });

  it('leaves the device waiting when the step-up is cancelled', async () => {
    const { server, user } = renderWithLatchkey(<PendingApprovals />, {
      server: waiting,
      webauthn: { outcome: 'cancel' },
    });
    const pixel = await screen.findByRole('listitem', { name: 'Pixel 8' });
    await user.click(within(pixel).getByRole('button', { name: 'Approve' }));
    await waitFor(() =>
      expect(screen.getByRole('status')).toHaveTextContent('The passkey request was cancelled.'),
    );
    expect(screen.getByRole('listitem', { name: 'Pixel 8' })).toHaveAttribute(
      'data-state',
      'pending',
    );
    expect(server.state.passkeys.find((p) => p.name === 'Pixel 8')?.status).toBe('pending');
  });
});
