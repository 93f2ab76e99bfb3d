import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, userEvent, waitFor, within } from 'storybook/test';
import { PairPrompt } from '../pair-prompt/pair-prompt.js';
import { PasskeyEnrolButton } from '../passkey-enrol-button/passkey-enrol-button.js';
import { PasskeyList } from '../passkey-list/passkey-list.js';
import { PasskeySignIn } from '../passkey-sign-in/passkey-sign-in.js';
import { PendingApprovals } from '../pending-approvals/pending-approvals.js';
import { RecoveryCodes } from '../recovery-codes/recovery-codes.js';
import type { LatchkeyStoryParameters } from '../testing/latchkey-story.js';
import { de } from './de.js';

// The kit in German: `<LatchkeyProvider labels={de}>` with `de` from
// `@latchkey/react/locales/de` (imported here from its source). No component gets a
// `labels` prop: every string, and the dates, come from the provider.
const account: LatchkeyStoryParameters = {
  labels: de,
  server: {
    signedIn: true,
    passkeys: [
      { name: 'MacBook Pro', provider: { name: 'iCloud-Schlüsselbund' } },
      {
        name: 'Pixel 8',
        status: 'pending',
        backedUp: false,
        provider: { name: 'Google Passwortmanager' },
        createdWith: { browser: 'Chrome', os: 'Android', deviceType: 'mobile' },
      },
    ],
  },
};

const meta = {
  title: 'Locales/German',
  // No default scenario: Storybook deep-merges parameters, so each story states its own.
} satisfies Meta;
export default meta;
type Story = StoryObj<typeof meta>;

/** Signed out: sign in, or create a passkey (and an account). */
export const SignedOut: Story = {
  parameters: { latchkey: { labels: de, server: { passkeys: [{ name: 'MacBook Pro' }] } } },
  render: () => (
    <div style={{ display: 'grid', gap: '1.5rem', maxWidth: '28rem' }}>
      <PasskeySignIn />
      <PasskeyEnrolButton email="ada@example.com" />
    </div>
  ),
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await userEvent.click(await canvas.findByRole('button', { name: 'Mit Passkey anmelden' }));
    await canvas.findByText('Angemeldet.', {}, { timeout: 3000 });
  },
};

/** Signed in: the account's passkeys (German dates), devices waiting, recovery codes left. */
export const Account: Story = {
  parameters: { latchkey: account },
  render: () => (
    <div style={{ display: 'grid', gap: '1.5rem', maxWidth: '40rem' }}>
      <PasskeyList />
      <PendingApprovals />
      <RecoveryCodes />
    </div>
  ),
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await canvas.findByRole('region', { name: 'Geräte, die auf Freigabe warten' });
    await waitFor(() => expect(canvas.getAllByText(/10\.01\.2025/).length).toBeGreaterThan(0));
  },
};

/** A device with no passkey for this site yet. */
export const PairingPrompt: Story = {
  parameters: { latchkey: { labels: de, server: { signedIn: true } } },
  render: () => <PairPrompt open />,
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await canvas.findByRole('button', { name: 'Mit einem vertrauenswürdigen Gerät koppeln' });
  },
};

export const Dark: Story = {
  ...Account,
  parameters: { latchkey: { ...account, theme: 'dark' } },
};
