import type { Meta, StoryObj } from '@storybook/react-vite';
import { userEvent, within } from 'storybook/test';
import type { LatchkeyStoryParameters } from '../testing/latchkey-story.js';
import type { MockPasskeySeed } from '../testing/mock-server.js';
import { PasskeyList } from './passkey-list.js';

const ICON =
  'data:image/svg+xml,%3Csvg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"%3E%3Crect width="24" height="24" rx="6" fill="%232950d6"/%3E%3Cpath d="M8 12h8M12 8v8" stroke="white" stroke-width="2"/%3E%3C/svg%3E';

const three: MockPasskeySeed[] = [
  { name: 'MacBook Pro', provider: { name: 'iCloud Keychain', icon: ICON } },
  {
    name: 'YubiKey 5C',
    deviceType: 'singleDevice',
    backedUp: false,
    provider: { name: 'YubiKey 5 Series' },
    createdWith: { browser: 'Firefox', os: 'Linux', deviceType: 'desktop' },
    lastUsedAt: null,
  },
  {
    name: 'Pixel 8',
    status: 'pending',
    backedUp: false,
    provider: { name: 'Google Password Manager' },
    createdWith: { browser: 'Chrome', os: 'Android', deviceType: 'mobile' },
  },
];
const signedIn = (passkeys: MockPasskeySeed[]): LatchkeyStoryParameters => ({
  server: { signedIn: true, passkeys },
});

const meta = {
  title: 'Components/PasskeyList',
  component: PasskeyList,
  args: { locale: 'en-GB' },
  // No default scenario: Storybook deep-merges parameters, so each story states its own.
} satisfies Meta<typeof PasskeyList>;
export default meta;
type Story = StoryObj<typeof meta>;

export const Loading: Story = {
  parameters: { latchkey: { server: { signedIn: true, hang: ['listPasskeys'] } } },
};

export const Empty: Story = { parameters: { latchkey: signedIn([]) } };

/** Synced, device-bound and pending-approval passkeys side by side. */
export const Passkeys: Story = { parameters: { latchkey: signedIn(three) } };

export const ManyPasskeys: Story = {
  parameters: {
    latchkey: signedIn(
      [
        'MacBook Pro',
        'iPhone 15',
        'iPad',
        'Work laptop',
        'Pixel 8',
        'Windows desktop',
        'YubiKey 5C',
        'Steam Deck',
      ].map((name, i) => ({
        name,
        backedUp: i % 3 !== 2,
        deviceType: i % 3 === 2 ? ('singleDevice' as const) : ('multiDevice' as const),
        provider: { name: ['iCloud Keychain', 'Google Password Manager', '1Password'][i % 3]! },
      })),
    ),
  },
};

export const LoadError: Story = {
  parameters: {
    latchkey: {
      server: { signedIn: true, passkeys: three, fail: { listPasskeys: 'STORE_UNAVAILABLE' } },
    },
  },
};

export const Renaming: Story = {
  parameters: { latchkey: signedIn(three) },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    const item = await canvas.findByRole('listitem', { name: 'MacBook Pro' }, { timeout: 3000 });
    await userEvent.click(within(item).getByRole('button', { name: 'Rename' }));
  },
};

export const ConfirmRemove: Story = {
  parameters: { latchkey: signedIn(three) },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    const item = await canvas.findByRole('listitem', { name: 'YubiKey 5C' }, { timeout: 3000 });
    await userEvent.click(within(item).getByRole('button', { name: 'Remove' }));
  },
};

/** The server refuses to remove the account's only passkey. */
export const LastCredential: Story = {
  parameters: { latchkey: { server: { signedIn: true, elevated: true, passkeys: [three[0]!] } } },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    const item = await canvas.findByRole('listitem', { name: 'MacBook Pro' }, { timeout: 3000 });
    await userEvent.click(within(item).getByRole('button', { name: 'Remove' }));
    await userEvent.click(within(item).getByRole('button', { name: 'Remove passkey' }));
    await canvas.findByText(
      'This is your only passkey. Add another one before removing it.',
      {},
      { timeout: 3000 },
    );
  },
};

export const SignedOut: Story = { parameters: { latchkey: { server: { passkeys: three } } } };

export const Dark: Story = { parameters: { latchkey: { ...signedIn(three), theme: 'dark' } } };
