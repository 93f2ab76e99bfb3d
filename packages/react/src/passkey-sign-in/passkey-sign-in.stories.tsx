import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, userEvent, waitFor, within } from 'storybook/test';
import { EmailLinkSignIn } from '../email/email-link-sign-in.js';
import type { LatchkeyStoryParameters } from '../testing/latchkey-story.js';
import { PasskeySignIn } from './passkey-sign-in.js';

const account: LatchkeyStoryParameters = { server: { passkeys: [{ name: 'MacBook' }] } };

const meta = {
  title: 'Components/PasskeySignIn',
  component: PasskeySignIn,
  args: { 'aria-label': 'Sign in' },
  // No default scenario: Storybook deep-merges parameters, so each story states its own.
} satisfies Meta<typeof PasskeySignIn>;
export default meta;
type Story = StoryObj<typeof meta>;

/** Idle, with passkey autofill waiting behind the email field. */
export const Default: Story = { parameters: { latchkey: account } };

export const WithoutEmail: Story = { args: { withEmail: false } };

/** The browser's prompt is open: the form is busy. */
export const Pending: Story = {
  parameters: { latchkey: { ...account, webauthn: { paused: true } } },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await userEvent.click(await canvas.findByRole('button', { name: 'Sign in with a passkey' }));
    await waitFor(() =>
      expect(canvasElement.querySelector('form')).toHaveAttribute('aria-busy', 'true'),
    );
  },
};

export const SignedIn: Story = {
  parameters: { latchkey: account },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await userEvent.click(await canvas.findByRole('button', { name: 'Sign in with a passkey' }));
    await canvas.findByText('Signed in.', {}, { timeout: 3000 });
  },
};

export const Cancelled: Story = {
  parameters: { latchkey: { ...account, webauthn: { outcome: 'cancel' } } },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await userEvent.click(await canvas.findByRole('button', { name: 'Sign in with a passkey' }));
    await canvas.findByText('The passkey request was cancelled.', {}, { timeout: 3000 });
  },
};

export const UnknownPasskey: Story = {
  parameters: {
    latchkey: {
      ...account,
      webauthn: { credentials: [{ id: 'c3RyYW5nZXI', userHandle: 'aGFuZGxl', rpId: 'localhost' }] },
    },
  },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await userEvent.click(await canvas.findByRole('button', { name: 'Sign in with a passkey' }));
    await canvas.findByText('This passkey is not recognised here.', {}, { timeout: 3000 });
  },
};

export const RateLimited: Story = {
  parameters: {
    latchkey: { server: { ...account.server, fail: { authOptions: 'RATE_LIMITED' } } },
  },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await userEvent.click(await canvas.findByRole('button', { name: 'Sign in with a passkey' }));
    await canvas.findByText(
      'Too many attempts. Wait a moment and try again.',
      {},
      { timeout: 3000 },
    );
  },
};

export const UnsupportedBrowser: Story = {
  parameters: { latchkey: { ...account, webauthn: { supported: false } } },
};

/** No WebAuthn here: the form gives way to the sign-in link by email. */
export const UnsupportedWithEmailLink: Story = {
  parameters: { latchkey: { ...account, webauthn: { supported: false } } },
  args: { fallback: <EmailLinkSignIn /> },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    const group = await canvas.findByRole('group', { name: 'Other ways to sign in' });
    await expect(
      within(group).getByRole('button', { name: 'Email me a sign-in link' }),
    ).toBeInTheDocument();
    await expect(canvas.queryByRole('button', { name: 'Sign in with a passkey' })).toBeNull();
  },
};

/** The passkey was not recognised: the form stays, and a sign-in link is offered for the email typed. */
export const FailedThenEmailLink: Story = {
  parameters: {
    latchkey: {
      ...account,
      webauthn: { credentials: [{ id: 'c3RyYW5nZXI', userHandle: 'aGFuZGxl', rpId: 'localhost' }] },
    },
  },
  args: { withEmail: false, fallback: ({ email }) => <EmailLinkSignIn defaultEmail={email} /> },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await userEvent.click(await canvas.findByRole('button', { name: 'Sign in with a passkey' }));
    await canvas.findByText('This passkey is not recognised here.', {}, { timeout: 3000 });
    await canvas.findByRole('button', { name: 'Email me a sign-in link' });
  },
};

export const French: Story = {
  parameters: { latchkey: account },
  args: {
    labels: {
      email: 'Adresse e-mail',
      emailHint: 'Facultatif : laissez vide pour choisir une clé d’accès.',
      submit: 'Se connecter avec une clé d’accès',
    },
  },
};

export const Dark: Story = { parameters: { latchkey: { ...account, theme: 'dark' } } };
