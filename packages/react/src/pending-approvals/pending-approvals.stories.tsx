import type { Meta, StoryObj } from '@storybook/react-vite';
import type { LatchkeyStoryParameters } from '../testing/latchkey-story.js';
import { PendingApprovals } from './pending-approvals.js';

const waiting: LatchkeyStoryParameters = {
  server: {
    signedIn: true,
    passkeys: [
      { name: 'MacBook Pro' },
      {
        name: 'Pixel 8',
        status: 'pending',
        backedUp: false,
        provider: { name: 'Google Password Manager' },
        createdWith: { browser: 'Chrome', os: 'Android', deviceType: 'mobile' },
      },
      {
        name: 'Work PC',
        status: 'pending',
        deviceType: 'singleDevice',
        backedUp: false,
        provider: { name: 'Windows Hello' },
        createdWith: { browser: 'Edge', os: 'Windows', deviceType: 'desktop' },
      },
    ],
  },
};

const meta = {
  title: 'Components/PendingApprovals',
  component: PendingApprovals,
  args: { locale: 'en-GB' },
  // No default scenario: Storybook deep-merges parameters, so each story states its own.
} satisfies Meta<typeof PendingApprovals>;
export default meta;
type Story = StoryObj<typeof meta>;

export const Loading: Story = {
  parameters: { latchkey: { server: { signedIn: true, hang: ['listApprovals'] } } },
};

export const Empty: Story = { parameters: { latchkey: { server: { signedIn: true } } } };

export const Waiting: Story = { parameters: { latchkey: waiting } };

export const LoadError: Story = {
  parameters: {
    latchkey: { server: { ...waiting.server, fail: { listApprovals: 'STORE_UNAVAILABLE' } } },
  },
};

export const Dark: Story = { parameters: { latchkey: { ...waiting, theme: 'dark' } } };
