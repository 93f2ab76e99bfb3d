import type { Meta, StoryObj } from '@storybook/react-vite';
import { userEvent, within } from 'storybook/test';
import type { LatchkeyStoryParameters } from '../testing/latchkey-story.js';
import { PairPrompt } from './pair-prompt.js';

// A new device: the account's passkeys live elsewhere, this browser has none.
const newDevice = (
  pairing?: NonNullable<LatchkeyStoryParameters['server']>['pairing'],
): LatchkeyStoryParameters => ({
  server: { passkeys: [{ name: 'MacBook Pro' }], pairing },
  webauthn: { credentials: [] },
});

const meta = {
  title: 'Components/PairPrompt',
  component: PairPrompt,
  args: { needed: true, pollInterval: 1500 },
  // No default scenario: Storybook deep-merges parameters, so each story states its own.
} satisfies Meta<typeof PairPrompt>;
export default meta;
type Story = StoryObj<typeof meta>;

const pair = async (canvasElement: HTMLElement) => {
  const canvas = within(canvasElement);
  await userEvent.click(
    await canvas.findByRole('button', { name: 'Pair with a trusted device' }, { timeout: 3000 }),
  );
  return canvas;
};

export const Choose: Story = { parameters: { latchkey: newDevice() } };

/** A fresh install: the RP ID is in grace, so the session alone opens the prompt. */
export const FirstDevice: Story = {
  args: { needed: undefined },
  parameters: { latchkey: { server: { user: null } } },
};

export const PairingCode: Story = {
  parameters: { latchkey: newDevice({ pendingPolls: 1_000_000 }) },
  play: async ({ canvasElement }) => {
    const canvas = await pair(canvasElement);
    await canvas.findByText('K7QM-4XT2', {}, { timeout: 3000 });
  },
};

export const Approved: Story = {
  args: { pollInterval: 100 },
  parameters: { latchkey: newDevice({ outcome: 'approved', pendingPolls: 0 }) },
  play: async ({ canvasElement }) => {
    const canvas = await pair(canvasElement);
    await canvas.findByText(
      'Approved. Create a passkey on this device to finish.',
      {},
      { timeout: 3000 },
    );
  },
};

export const Denied: Story = {
  args: { pollInterval: 100 },
  parameters: { latchkey: newDevice({ outcome: 'denied', pendingPolls: 0 }) },
  play: async ({ canvasElement }) => {
    const canvas = await pair(canvasElement);
    await canvas.findByText('The other device denied the request.', {}, { timeout: 3000 });
  },
};

export const Expired: Story = {
  args: { pollInterval: 100 },
  parameters: { latchkey: newDevice({ outcome: 'expired', pendingPolls: 0 }) },
  play: async ({ canvasElement }) => {
    const canvas = await pair(canvasElement);
    await canvas.findByText('The code expired before it was approved.', {}, { timeout: 3000 });
  },
};

export const Dark: Story = { parameters: { latchkey: { ...newDevice(), theme: 'dark' } } };
