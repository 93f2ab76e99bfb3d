import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, userEvent, waitFor, within } from 'storybook/test';
import type { LatchkeyStoryParameters } from '../testing/latchkey-story.js';
import { PasskeyEnrolButton } from './passkey-enrol-button.js';

// Signed in; the account's passkey lives on another device.
const signedIn: LatchkeyStoryParameters = {
  server: { signedIn: true, passkeys: [{ name: 'iPhone' }] },
  webauthn: { credentials: [] },
};

const meta = {
  title: 'Components/PasskeyEnrolButton',
  component: PasskeyEnrolButton,
  // No default scenario: Storybook deep-merges parameters, so each story states its own.
} satisfies Meta<typeof PasskeyEnrolButton>;
export default meta;
type Story = StoryObj<typeof meta>;

const click = async (canvasElement: HTMLElement) => {
  const canvas = within(canvasElement);
  await userEvent.click(await canvas.findByRole('button', { name: 'Create a passkey' }));
  return canvas;
};

export const Idle: Story = { parameters: { latchkey: signedIn } };

export const Pending: Story = {
  parameters: { latchkey: { ...signedIn, webauthn: { credentials: [], paused: true } } },
  play: async ({ canvasElement }) => {
    const canvas = await click(canvasElement);
    await waitFor(() =>
      expect(canvas.getByRole('button', { name: 'Follow your device’s prompt…' })).toHaveAttribute(
        'aria-busy',
        'true',
      ),
    );
  },
};

export const Success: Story = {
  parameters: { latchkey: signedIn },
  play: async ({ canvasElement }) => {
    const canvas = await click(canvasElement);
    await canvas.findByText('Passkey created.', {}, { timeout: 3000 });
  },
};

/** Sign-up: the account's first passkey comes with recovery codes, shown once. */
export const FirstPasskeyWithRecoveryCodes: Story = {
  args: { email: 'grace@example.com' },
  parameters: { latchkey: { server: { user: null } } },
  play: async ({ canvasElement }) => {
    const canvas = await click(canvasElement);
    await canvas.findByRole('region', { name: 'Recovery codes' }, { timeout: 3000 });
  },
};

export const AlreadyOnThisDevice: Story = {
  parameters: { latchkey: { server: signedIn.server } },
  play: async ({ canvasElement }) => {
    const canvas = await click(canvasElement);
    await canvas.findByText(
      'This device already has a passkey for your account.',
      {},
      { timeout: 3000 },
    );
  },
};

export const Cancelled: Story = {
  parameters: { latchkey: { ...signedIn, webauthn: { credentials: [], outcome: 'cancel' } } },
  play: async ({ canvasElement }) => {
    const canvas = await click(canvasElement);
    await canvas.findByText('The passkey request was cancelled.', {}, { timeout: 3000 });
  },
};

export const UnsupportedBrowser: Story = {
  parameters: { latchkey: { ...signedIn, webauthn: { supported: false } } },
};

export const UnsupportedHidden: Story = {
  args: { whenUnsupported: 'hide' },
  parameters: { latchkey: { ...signedIn, webauthn: { supported: false } } },
};

export const NoPlatformAuthenticator: Story = {
  parameters: {
    latchkey: { ...signedIn, webauthn: { credentials: [], platformAuthenticator: false } },
  },
};

export const AsChild: Story = {
  parameters: { latchkey: signedIn },
  args: {
    asChild: true,
    children: <a href="/account/passkeys/new">Add a passkey to this device</a>,
  },
};

export const Dark: Story = { parameters: { latchkey: { ...signedIn, theme: 'dark' } } };
