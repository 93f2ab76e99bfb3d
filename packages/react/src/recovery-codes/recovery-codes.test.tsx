import { screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { expectAccessible } from '../testing/expect-accessible.js';
import { cleanupLatchkey, renderWithLatchkey } from '../testing/render-with-latchkey.js';
import { RecoveryCodes } from './recovery-codes.js';

afterEach(cleanupLatchkey);

const CODES = ['0001-7919', '0002-5838', '0003-3757'];
const region = () => screen.getByRole('region', { name: 'Recovery codes' });

describe('RecoveryCodes with codes', () => {
  it('lists the codes and holds Continue until they are acknowledged', async () => {
    const { container } = renderWithLatchkey(<RecoveryCodes codes={CODES} />);
    expect(
      within(region())
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual(CODES);
    expect(region()).toHaveAttribute('data-state', 'unacknowledged');
    expect(region()).toHaveAccessibleDescription(/shown only this once/);
    expect(screen.getByRole('button', { name: 'Continue' })).toBeDisabled();
    await expectAccessible(container);
  });

  it('copies the codes to the clipboard', async () => {
    const { user } = renderWithLatchkey(<RecoveryCodes codes={CODES} />);
    await user.click(screen.getByRole('button', { name: 'Copy codes' }));
    expect(screen.getByRole('status')).toHaveTextContent('Codes copied to the clipboard.');
    await expect(navigator.clipboard.readText()).resolves.toBe(
      `Recovery codes\n\n${CODES.join('\n')}\n`,
    );
  });

  it('says so when the clipboard is unavailable', async () => {
    const { user } = renderWithLatchkey(<RecoveryCodes codes={CODES} />);
    vi.spyOn(navigator.clipboard, 'writeText').mockRejectedValue(
      new DOMException('denied', 'NotAllowedError'),
    );
    await user.click(screen.getByRole('button', { name: 'Copy codes' }));
    expect(screen.getByRole('status')).toHaveTextContent(
      'Could not copy. Select the codes and copy them yourself.',
    );
    vi.restoreAllMocks();
  });

  it('offers the codes as a .txt download', () => {
    renderWithLatchkey(<RecoveryCodes codes={CODES} fileName="example-codes.txt" />);
    const link = screen.getByRole('link', { name: 'Download as .txt' });
    expect(link).toHaveAttribute('download', 'example-codes.txt');
    const href = link.getAttribute('href')!;
    expect(href.startsWith('data:text/plain;charset=utf-8,')).toBe(true);
    expect(decodeURIComponent(href.slice(href.indexOf(',') + 1))).toBe(
      `Recovery codes\n\n${CODES.join('\n')}\n`,
    );
  });

  it('hides the codes for good after the acknowledgement and Continue', async () => {
    const onContinue = vi.fn();
    const { container, user } = renderWithLatchkey(
      <RecoveryCodes codes={CODES} onContinue={onContinue} />,
    );
    await user.click(screen.getByRole('checkbox', { name: 'I have saved these codes' }));
    expect(region()).toHaveAttribute('data-state', 'acknowledged');
    await expectAccessible(container);
    await user.click(screen.getByRole('button', { name: 'Continue' }));
    expect(onContinue).toHaveBeenCalledTimes(1);
    expect(screen.queryByText(CODES[0]!)).toBeNull();
  });
});

describe('RecoveryCodes without codes', () => {
  it('is busy while loading the count', async () => {
    const { container } = renderWithLatchkey(<RecoveryCodes />, {
      server: { signedIn: true, hang: ['recoveryCodesStatus'] },
    });
    expect(region()).toHaveAttribute('data-state', 'loading');
    expect(region()).toHaveAttribute('aria-busy', 'true');
    expect(screen.getByText('Loading recovery codes…')).toBeInTheDocument();
    await expectAccessible(container);
  });

  it('shows how many codes are left', async () => {
    const { container } = renderWithLatchkey(<RecoveryCodes />, {
      server: { signedIn: true, recoveryCodesRemaining: 1 },
    });
    expect(await screen.findByText('1 recovery code left.')).toBeInTheDocument();
    expect(region()).toHaveAttribute('data-state', 'ready');
    await expectAccessible(container);
  });

  it('reports a failure to load', async () => {
    const { container } = renderWithLatchkey(<RecoveryCodes />, {
      server: { signedIn: true, fail: { recoveryCodesStatus: 'STORE_UNAVAILABLE' } },
    });
    await waitFor(() => expect(region()).toHaveAttribute('data-state', 'error'));
    expect(screen.getAllByText('Could not load your recovery codes.').length).toBeGreaterThan(0);
    await expectAccessible(container);
  });

  it('generates a new set after a step-up, shows it once, then the count', async () => {
    const { container, server, user, webauthn } = renderWithLatchkey(<RecoveryCodes />, {
      server: { signedIn: true, recoveryCodesRemaining: 2, passkeys: [{ name: 'MacBook' }] },
    });
    await screen.findByText('2 recovery codes left.');
    webauthn.pause();
    await user.click(screen.getByRole('button', { name: 'Generate new codes' }));
    await waitFor(() => expect(webauthn.requests).toHaveLength(1));
    expect(region()).toHaveAttribute('data-state', 'pending');
    expect(region()).toHaveAttribute('aria-busy', 'true');
    await expectAccessible(container);
    webauthn.resume();

    await waitFor(() => expect(region()).toHaveAttribute('data-state', 'unacknowledged'));
    expect(within(region()).getAllByRole('listitem')).toHaveLength(10);
    expect(server.routeNames().slice(-4)).toEqual([
      'regenerateRecoveryCodes',
      'verifyOptions',
      'verify',
      'regenerateRecoveryCodes',
    ]);
    await user.click(screen.getByRole('checkbox', { name: 'I have saved these codes' }));
    await user.click(screen.getByRole('button', { name: 'Continue' }));
    expect(await screen.findByText('10 recovery codes left.')).toBeInTheDocument();
  });

  it('keeps the old set when the step-up is cancelled', async () => {
    const { user } = renderWithLatchkey(<RecoveryCodes />, {
      server: { signedIn: true, passkeys: [{ name: 'MacBook' }] },
      webauthn: { outcome: 'cancel' },
    });
    await screen.findByText('10 recovery codes left.');
    await user.click(screen.getByRole('button', { name: 'Generate new codes' }));
    await waitFor(() =>
      expect(screen.getByRole('status')).toHaveTextContent('The passkey request was cancelled.'),
    );
    expect(region()).toHaveAttribute('data-state', 'ready');
  });
});
