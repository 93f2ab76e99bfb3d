import { screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { expectAccessible } from '../testing/expect-accessible.js';
import { cleanupLatchkey, renderWithLatchkey } from '../testing/render-with-latchkey.js';
import { EmailLinkSignIn } from './email-link-sign-in.js';

afterEach(cleanupLatchkey);

const form = () => screen.getByRole('button', { name: /sign-in link|Sending/ }).closest('form')!;

describe('EmailLinkSignIn', () => {
  it('asks for a link and says it is on its way, in the live region', async () => {
    const onSent = vi.fn();
    const { container, server, user } = renderWithLatchkey(<EmailLinkSignIn onSent={onSent} />);
    expect(form()).toHaveAttribute('data-state', 'idle');
    await expectAccessible(container);
    await user.type(screen.getByLabelText('Email'), ' ada@example.com ');
    await user.click(screen.getByRole('button', { name: 'Email me a sign-in link' }));
    expect(await screen.findByRole('status')).toHaveTextContent(
      'If ada@example.com belongs to an account, a sign-in link is on its way.',
    );
    expect(form()).toHaveAttribute('data-state', 'sent');
    expect(server.state.emailLinksSent).toEqual(['ada@example.com']);
    expect(onSent).toHaveBeenCalledWith('ada@example.com');
    await expectAccessible(container);
  });

  it('asks for an address before sending anything', async () => {
    const { server, user } = renderWithLatchkey(<EmailLinkSignIn />);
    await user.click(screen.getByRole('button', { name: 'Email me a sign-in link' }));
    expect(screen.getByRole('status')).toHaveTextContent('Type your email address.');
    expect(screen.getByLabelText('Email')).toHaveAttribute('aria-invalid', 'true');
    expect(server.routeNames()).not.toContain('emailLinkOptions');
  });

  it('says in words when the server refuses, and is busy meanwhile', async () => {
    const onError = vi.fn();
    const { container, user, server } = renderWithLatchkey(
      <EmailLinkSignIn defaultEmail="ada@example.com" onError={onError} />,
      { server: { fail: { emailLinkOptions: 'RATE_LIMITED' } } },
    );
    await user.click(screen.getByRole('button', { name: 'Email me a sign-in link' }));
    expect(
      await screen.findByText('Too many attempts. Wait a moment and try again.'),
    ).toBeVisible();
    expect(form()).toHaveAttribute('data-state', 'error');
    expect(onError.mock.calls[0]?.[0].code).toBe('RATE_LIMITED');
    await expectAccessible(container);
    server.fail('emailLinkOptions', null);
  });

  it('marks itself busy while the request is out', async () => {
    const { user } = renderWithLatchkey(<EmailLinkSignIn defaultEmail="ada@example.com" />, {
      server: { hang: ['emailLinkOptions'] },
    });
    await user.click(screen.getByRole('button', { name: 'Email me a sign-in link' }));
    expect(form()).toHaveAttribute('aria-busy', 'true');
    expect(screen.getByRole('button', { name: 'Sending…' })).toHaveAttribute(
      'aria-disabled',
      'true',
    );
  });

  it('takes its words from labels', () => {
    renderWithLatchkey(<EmailLinkSignIn labels={{ submit: 'Send me a link', email: 'Address' }} />);
    expect(screen.getByRole('button', { name: 'Send me a link' })).toBeVisible();
    expect(screen.getByLabelText('Address')).toBeVisible();
  });
});
