import type { Meta, StoryObj } from '@storybook/react-vite';
import { EmailLinkLanding } from './email-link-landing.js';

const TOKEN = 'tok_story_0123456789abcdef';

const meta = {
  title: 'Email/EmailLinkLanding',
  component: EmailLinkLanding,
  args: { token: TOKEN },
} satisfies Meta<typeof EmailLinkLanding>;
export default meta;
type Story = StoryObj<typeof meta>;

export const SignedIn: Story = {
  parameters: { latchkey: { server: { emailLinks: { [TOKEN]: {} } } } },
};

/** A link opened in another browser than the one that asked for it. */
export const ConfirmElsewhere: Story = {
  parameters: { latchkey: { server: { emailLinks: { [TOKEN]: { elsewhere: true } } } } },
};

export const Verified: Story = {
  parameters: { latchkey: { server: { emailLinks: { [TOKEN]: { purpose: 'verify' } } } } },
};

/** Used, expired or unknown. */
export const Invalid: Story = { parameters: { latchkey: { server: {} } } };

export const Checking: Story = {
  parameters: { latchkey: { server: { hang: ['emailVerify'] } } },
};

export const NoToken: Story = { args: { token: null }, parameters: { latchkey: { server: {} } } };

export const Dark: Story = {
  parameters: {
    latchkey: { server: { emailLinks: { [TOKEN]: { elsewhere: true } } }, theme: 'dark' },
  },
};
