import type { Meta, StoryObj } from '@storybook/react-vite';
import { userEvent, within } from 'storybook/test';
import { RecoveryCodes } from './recovery-codes.js';

const CODES = [
  '4827-1930',
  '7719-0482',
  '5561-2874',
  '0938-6612',
  '2284-7756',
  '6610-3391',
  '9045-1187',
  '3372-5508',
  '8126-4430',
  '1459-9063',
];

const meta = {
  title: 'Components/RecoveryCodes',
  component: RecoveryCodes,
  // No default scenario: Storybook deep-merges parameters, so each story states its own.
} satisfies Meta<typeof RecoveryCodes>;
export default meta;
type Story = StoryObj<typeof meta>;

/** Shown once after a first passkey, waiting for the acknowledgement. */
export const Codes: Story = { args: { codes: CODES } };

export const Acknowledged: Story = {
  parameters: { latchkey: { server: { signedIn: true, passkeys: [{ name: 'MacBook Pro' }] } } },
  args: { codes: CODES },
  play: async ({ canvasElement }) => {
    await userEvent.click(
      within(canvasElement).getByRole('checkbox', { name: 'I have saved these codes' }),
    );
  },
};

export const Loading: Story = {
  parameters: { latchkey: { server: { signedIn: true, hang: ['recoveryCodesStatus'] } } },
};

export const Remaining: Story = {
  parameters: { latchkey: { server: { signedIn: true, recoveryCodesRemaining: 3 } } },
};

export const LoadError: Story = {
  parameters: {
    latchkey: { server: { signedIn: true, fail: { recoveryCodesStatus: 'STORE_UNAVAILABLE' } } },
  },
};

export const Dark: Story = {
  args: { codes: CODES },
  parameters: { latchkey: { server: { signedIn: true }, theme: 'dark' } },
};
