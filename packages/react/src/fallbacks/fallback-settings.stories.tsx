import type { Meta, StoryObj } from '@storybook/react-vite';
import { userEvent, within } from 'storybook/test';
import { FallbackSettings } from './fallback-settings.js';

const meta = {
  title: 'Fallbacks/FallbackSettings',
  component: FallbackSettings,
} satisfies Meta<typeof FallbackSettings>;
export default meta;
type Story = StoryObj<typeof meta>;

const signedIn = { signedIn: true, passkeys: [{ name: 'MacBook' }] } as const;

export const Idle: Story = {
  parameters: {
    latchkey: { server: { ...signedIn, fallbacks: { account: { password: false } } } },
  },
};

/** A method the deployment has off (here the password) is not offered. */
export const PasswordOffForTheDeployment: Story = {
  parameters: {
    latchkey: { server: { ...signedIn, fallbacks: { deployment: { password: false } } } },
  },
};

export const NothingBesidesPasskeys: Story = {
  parameters: {
    latchkey: {
      server: {
        ...signedIn,
        fallbacks: { deployment: { recoveryCodes: false, magicLink: false, password: false } },
      },
    },
  },
};

export const Loading: Story = {
  parameters: { latchkey: { server: { ...signedIn, hang: ['getFallbacks'] } } },
};

/** Saving asks for a passkey first (step-up), then saves once more. */
export const Saved: Story = {
  parameters: { latchkey: { server: signedIn } },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await userEvent.click(await canvas.findByRole('checkbox', { name: 'Sign-in link by email' }));
    await userEvent.click(canvas.getByRole('button', { name: 'Save' }));
  },
};

export const Saving: Story = {
  parameters: { latchkey: { server: { ...signedIn, elevated: true, hang: ['updateFallbacks'] } } },
  play: Saved.play,
};

export const Unavailable: Story = {
  parameters: {
    latchkey: {
      server: { ...signedIn, elevated: true, fail: { updateFallbacks: 'FALLBACK_UNAVAILABLE' } },
    },
  },
  play: Saved.play,
};

export const Dark: Story = {
  parameters: { latchkey: { server: signedIn, theme: 'dark' } },
};
