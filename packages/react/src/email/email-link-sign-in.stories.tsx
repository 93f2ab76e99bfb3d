import type { Meta, StoryObj } from '@storybook/react-vite';
import { userEvent, within } from 'storybook/test';
import { EmailLinkSignIn } from './email-link-sign-in.js';

const meta = {
  title: 'Email/EmailLinkSignIn',
  component: EmailLinkSignIn,
} satisfies Meta<typeof EmailLinkSignIn>;
export default meta;
type Story = StoryObj<typeof meta>;

export const Idle: Story = { parameters: { latchkey: { server: {} } } };

/** After the request: the same words for every address. */
export const Sent: Story = {
  parameters: { latchkey: { server: {} } },
  args: { defaultEmail: 'ada@example.com' },
  play: async ({ canvasElement }) => {
    await userEvent.click(
      within(canvasElement).getByRole('button', { name: 'Email me a sign-in link' }),
    );
  },
};

export const Sending: Story = {
  parameters: { latchkey: { server: { hang: ['emailLinkOptions'] } } },
  args: { defaultEmail: 'ada@example.com' },
  play: Sent.play,
};

export const RateLimited: Story = {
  parameters: { latchkey: { server: { fail: { emailLinkOptions: 'RATE_LIMITED' } } } },
  args: { defaultEmail: 'ada@example.com' },
  play: Sent.play,
};

export const Dark: Story = {
  parameters: { latchkey: { server: {}, theme: 'dark' } },
  args: { defaultEmail: 'ada@example.com' },
  play: Sent.play,
};
