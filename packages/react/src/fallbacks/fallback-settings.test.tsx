import { screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { expectAccessible } from '../testing/expect-accessible.js';
import { cleanupLatchkey, renderWithLatchkey } from '../testing/render-with-latchkey.js';
import { FallbackSettings } from './fallback-settings.js';

afterEach(cleanupLatchkey);

/** The fieldset, once the settings are in. */
async function group() {
  const fieldset = screen.getByRole('group', { name: 'Other ways to sign in' });
  await within(fieldset).findAllByRole('checkbox');
  return fieldset;
}
const form = () => screen.getByRole('group').closest('form')!;

describe('FallbackSettings', () => {
  it("shows the account's choices, one checkbox per method", async () => {
    const { container } = renderWithLatchkey(<FallbackSettings />, {
      server: {
        signedIn: true,
        fallbacks: { account: { magicLink: false }, passwordSet: true },
      },
    });
    expect(form()).toHaveAttribute('data-state', 'loading');
    expect(form()).toHaveAttribute('aria-busy', 'true');
    const fieldset = await group();
    expect(within(fieldset).getByRole('checkbox', { name: 'Recovery codes' })).toBeChecked();
    expect(
      within(fieldset).getByRole('checkbox', { name: 'Sign-in link by email' }),
    ).not.toBeChecked();
    expect(within(fieldset).getByRole('checkbox', { name: 'Password' })).toBeChecked();
    expect(await screen.findByRole('button', { name: 'Save' })).toBeVisible();
    expect(form()).toHaveAttribute('data-state', 'idle');
    await expectAccessible(container);
  });

  it('does not offer a method the deployment has off', async () => {
    renderWithLatchkey(<FallbackSettings />, {
      server: { signedIn: true, fallbacks: { deployment: { password: false } } },
    });
    const fieldset = await group();
    await within(fieldset).findByRole('checkbox', { name: 'Recovery codes' });
    expect(within(fieldset).getAllByRole('checkbox')).toHaveLength(2);
    expect(within(fieldset).queryByRole('checkbox', { name: 'Password' })).toBeNull();
  });

  it('says so when the deployment offers nothing besides a passkey', async () => {
    const { container } = renderWithLatchkey(<FallbackSettings />, {
      server: {
        signedIn: true,
        fallbacks: { deployment: { recoveryCodes: false, magicLink: false, password: false } },
      },
    });
    expect(
      await screen.findByText('This service offers no way to sign in besides a passkey.'),
    ).toBeVisible();
    expect(screen.queryByRole('checkbox')).toBeNull();
    expect(screen.queryByRole('button', { name: 'Save' })).toBeNull();
    await expectAccessible(container);
  });

  it('saves a change, sending only what changed, and says so in the live region', async () => {
    const onSaved = vi.fn();
    const { container, server, user } = renderWithLatchkey(<FallbackSettings onSaved={onSaved} />, {
      server: { signedIn: true, elevated: true },
    });
    const fieldset = await group();
    await user.click(within(fieldset).getByRole('checkbox', { name: 'Sign-in link by email' }));
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByRole('status')).toHaveTextContent('Your choices are saved.');
    expect(form()).toHaveAttribute('data-state', 'saved');
    expect(server.calls.find((c) => c.route === 'updateFallbacks')?.body).toEqual({
      magicLink: false,
    });
    expect(server.state.fallbacks.magicLink).toBe(false);
    expect(onSaved.mock.calls[0]?.[0].account.magicLink).toBe(false);
    expect(
      within(fieldset).getByRole('checkbox', { name: 'Sign-in link by email' }),
    ).not.toBeChecked();
    await expectAccessible(container);
  });

  it('confirms with a passkey when the server asks, then saves once more', async () => {
    const { server, user, webauthn } = renderWithLatchkey(<FallbackSettings />, {
      server: { signedIn: true, passkeys: [{ name: 'MacBook' }] },
    });
    const fieldset = await group();
    await user.click(within(fieldset).getByRole('checkbox', { name: 'Password' }));
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('Your choices are saved.')).toBeVisible();
    expect(server.routeNames().slice(-4)).toEqual([
      'updateFallbacks',
      'verifyOptions',
      'verify',
      'updateFallbacks',
    ]);
    expect(webauthn.requests).toHaveLength(1);
    expect(server.state.fallbacks.password).toBe(false);
  });

  it('says in words when the save fails, and keeps the choice to try again', async () => {
    const onError = vi.fn();
    const { container, server, user } = renderWithLatchkey(<FallbackSettings onError={onError} />, {
      server: { signedIn: true, elevated: true, fail: { updateFallbacks: 'FALLBACK_UNAVAILABLE' } },
    });
    const fieldset = await group();
    await user.click(within(fieldset).getByRole('checkbox', { name: 'Recovery codes' }));
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(
      await screen.findByText('This service does not offer that way to sign in.'),
    ).toBeVisible();
    expect(form()).toHaveAttribute('data-state', 'error');
    expect(onError.mock.calls[0]?.[0].code).toBe('FALLBACK_UNAVAILABLE');
    expect(within(fieldset).getByRole('checkbox', { name: 'Recovery codes' })).not.toBeChecked();
    expect(server.state.fallbacks.recoveryCodes).toBe(true);
    await expectAccessible(container);
  });

  it('says in words when the settings cannot be read', async () => {
    renderWithLatchkey(<FallbackSettings />, {
      server: { signedIn: true, fail: { getFallbacks: 'RATE_LIMITED' } },
    });
    expect(
      await screen.findByText('Too many attempts. Wait a moment and try again.'),
    ).toBeVisible();
    expect(form()).toHaveAttribute('data-state', 'error');
  });

  it('marks itself busy while saving', async () => {
    const { user } = renderWithLatchkey(<FallbackSettings />, {
      server: { signedIn: true, elevated: true, hang: ['updateFallbacks'] },
    });
    await group();
    await user.click(await screen.findByRole('button', { name: 'Save' }));
    expect(form()).toHaveAttribute('data-state', 'saving');
    expect(form()).toHaveAttribute('aria-busy', 'true');
    expect(screen.getByRole('button', { name: 'Saving…' })).toHaveAttribute(
      'aria-disabled',
      'true',
    );
  });

  it('takes its words from labels', async () => {
    renderWithLatchkey(
      <FallbackSettings labels={{ legend: 'Backup sign-in', password: 'Passphrase' }} />,
      { server: { signedIn: true } },
    );
    const fieldset = await screen.findByRole('group', { name: 'Backup sign-in' });
    expect(await within(fieldset).findByRole('checkbox', { name: 'Passphrase' })).toBeVisible();
  });
});
