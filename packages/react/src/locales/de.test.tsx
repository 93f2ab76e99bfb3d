import { screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_EMAIL_LINK_LANDING_LABELS,
  DEFAULT_EMAIL_LINK_SIGN_IN_LABELS,
  EmailLinkLanding,
  EmailLinkSignIn,
} from '../email/index.js';
import { DEFAULT_FALLBACK_SETTINGS_LABELS, FallbackSettings } from '../fallbacks/index.js';
import { DEFAULT_ERROR_LABELS } from '../internal/error-message.js';
import { DEFAULT_PASSKEY_KEY_LABELS, PasskeyKeyUnlock } from '../locked/passkey-key/index.js';
import { credentialIdOf } from '../locked/testing/prf-authenticator.js';
import { cleanupLocked, renderLocked } from '../locked/testing/render-locked.js';
import { DEFAULT_TIER_UPGRADE_LABELS, TierUpgrade } from '../locked/tier/index.js';
import { DEFAULT_PAIR_PROMPT_LABELS, PairPrompt } from '../pair-prompt/index.js';
import {
  DEFAULT_PASSKEY_ENROL_BUTTON_LABELS,
  PasskeyEnrolButton,
} from '../passkey-enrol-button/index.js';
import { DEFAULT_PASSKEY_LIST_LABELS, PasskeyList } from '../passkey-list/index.js';
import { DEFAULT_PASSKEY_SIGN_IN_LABELS, PasskeySignIn } from '../passkey-sign-in/index.js';
import { DEFAULT_PENDING_APPROVALS_LABELS, PendingApprovals } from '../pending-approvals/index.js';
import type { ComponentLabels } from '../provider/latchkey-labels.js';
import { DEFAULT_RECOVERY_CODES_LABELS, RecoveryCodes } from '../recovery-codes/index.js';
import { expectAccessible } from '../testing/expect-accessible.js';
import { cleanupLatchkey, renderWithLatchkey } from '../testing/render-with-latchkey.js';
import { de } from './de.js';

afterEach(() => {
  cleanupLatchkey();
  cleanupLocked();
});

/** The kit's English, in the shape of `LatchkeyLabels`: what a language must cover. */
const ENGLISH: { errors: typeof DEFAULT_ERROR_LABELS } & ComponentLabels = {
  errors: DEFAULT_ERROR_LABELS,
  passkeySignIn: DEFAULT_PASSKEY_SIGN_IN_LABELS,
  passkeyEnrolButton: DEFAULT_PASSKEY_ENROL_BUTTON_LABELS,
  passkeyList: DEFAULT_PASSKEY_LIST_LABELS,
  pairPrompt: DEFAULT_PAIR_PROMPT_LABELS,
  recoveryCodes: DEFAULT_RECOVERY_CODES_LABELS,
  pendingApprovals: DEFAULT_PENDING_APPROVALS_LABELS,
  tierUpgrade: DEFAULT_TIER_UPGRADE_LABELS,
  passkeyKeyUnlock: DEFAULT_PASSKEY_KEY_LABELS,
  emailLinkSignIn: DEFAULT_EMAIL_LINK_SIGN_IN_LABELS,
  emailLinkLanding: DEFAULT_EMAIL_LINK_LANDING_LABELS,
  fallbackSettings: DEFAULT_FALLBACK_SETTINGS_LABELS,
};

/** Paths of `english` with no value of the same kind in `other` ("pairPrompt.title"). */
function missing(english: object, other: unknown, path = ''): string[] {
  return Object.entries(english).flatMap(([key, value]) => {
    const here = path ? `${path}.${key}` : key;
    const theirs =
      other !== null && typeof other === 'object'
        ? (other as Record<string, unknown>)[key]
        : undefined;
    if (value !== null && typeof value === 'object') return missing(value, theirs, here);
    if (typeof value === 'function') {
      return typeof theirs === 'function' && theirs.length === value.length ? [] : [here];
    }
    return typeof theirs === 'string' && theirs.trim() !== '' ? [] : [here];
  });
}

/** The English strings of `labels` that German writes differently: none may be on screen. */
function englishOnly(labels: object, german: object): string[] {
  return Object.entries(labels).flatMap(([key, value]) => {
    const theirs = (german as Record<string, unknown>)[key];
    if (value !== null && typeof value === 'object') {
      return englishOnly(value, (theirs ?? {}) as object);
    }
    return typeof value === 'string' && value !== theirs ? [value] : [];
  });
}

function expectNoEnglish(element: Element, key: keyof ComponentLabels) {
  const text = element.textContent ?? '';
  const left = englishOnly(ENGLISH[key], de[key]).filter((english) => text.includes(english));
  expect(left).toEqual([]);
}

describe('the German labels', () => {
  it('have a German value for every English label', () => {
    expect(missing(ENGLISH, de)).toEqual([]);
    expect(de.locale).toBe('de');
  });

  it('find a missing label (the check can fail)', () => {
    const { title: _, ...withoutTitle } = de.passkeyList;
    expect(missing(ENGLISH, { ...de, passkeyList: withoutTitle })).toEqual(['passkeyList.title']);
    const { NETWORK_ERROR: __, ...fewerErrors } = de.errors;
    expect(missing(ENGLISH, { ...de, errors: fewerErrors })).toEqual(['errors.NETWORK_ERROR']);
  });
});

describe('every component in German', () => {
  it('PasskeySignIn', async () => {
    const { container } = renderWithLatchkey(<PasskeySignIn />, {
      server: { user: null },
      labels: de,
    });
    const form = container.querySelector('[data-latchkey-sign-in]')!;
    expect(await screen.findByRole('button', { name: 'Mit Passkey anmelden' })).toBeInTheDocument();
    expect(screen.getByLabelText('E-Mail')).toHaveAccessibleDescription(/Optional: Lassen Sie/);
    expectNoEnglish(form, 'passkeySignIn');
    await expectAccessible(container);
  });

  it('PasskeySignIn on a browser without passkeys, with a fallback', async () => {
    const { container } = renderWithLatchkey(<PasskeySignIn fallback={<EmailLinkSignIn />} />, {
      server: { user: null },
      webauthn: { supported: false },
      labels: de,
    });
    expect(await screen.findByRole('note')).toHaveTextContent(
      'Dieser Browser kann keine Passkeys verwenden. Melden Sie sich auf anderem Weg an.',
    );
    const group = screen.getByRole('group', { name: 'Weitere Wege zur Anmeldung' });
    expect(
      within(group).getByRole('button', { name: 'Anmeldelink per E-Mail senden' }),
    ).toBeInTheDocument();
    await expectAccessible(container);
  });

  it('PasskeyEnrolButton', async () => {
    const { container } = renderWithLatchkey(<PasskeyEnrolButton />, {
      server: { signedIn: true, elevated: true, passkeys: [{ name: 'MacBook' }] },
      labels: de,
    });
    expect(await screen.findByRole('button', { name: 'Passkey erstellen' })).toBeInTheDocument();
    expectNoEnglish(container, 'passkeyEnrolButton');
  });

  it('PasskeyList, with German dates, and a component label that still wins', async () => {
    const { container } = renderWithLatchkey(<PasskeyList labels={{ rename: 'Neu benennen' }} />, {
      server: {
        signedIn: true,
        passkeys: [
          { name: 'MacBook', provider: { name: 'iCloud Keychain' } },
          { name: 'YubiKey', deviceType: 'singleDevice', backedUp: false, lastUsedAt: null },
        ],
      },
      labels: de,
    });
    const mac = await screen.findByRole('listitem', { name: 'MacBook' });
    expect(within(mac).getByText('Synchronisiert')).toBeInTheDocument();
    expect(within(mac).getByText('Erstellt am 10.01.2025 mit Safari auf macOS')).toHaveAttribute(
      'datetime',
      '2025-01-10T09:30:00.000Z',
    );
    expect(within(mac).getByText('Zuletzt verwendet am 20.05.2025')).toBeInTheDocument();
    expect(within(mac).getByRole('button', { name: 'Neu benennen' })).toBeInTheDocument();
    expect(within(mac).getByRole('button', { name: 'Entfernen' })).toBeInTheDocument();
    const key = screen.getByRole('listitem', { name: 'YubiKey' });
    expect(within(key).getByText('Nur dieses Gerät')).toBeInTheDocument();
    expect(within(key).getByText(/Noch nie verwendet/)).toBeInTheDocument();
    expectNoEnglish(container, 'passkeyList');
    await expectAccessible(container);
  });

  it('PasskeyList: a component `locale` still sets the dates', async () => {
    renderWithLatchkey(<PasskeyList locale="en-GB" />, {
      server: { signedIn: true, passkeys: [{ name: 'MacBook' }] },
      labels: de,
    });
    const mac = await screen.findByRole('listitem', { name: 'MacBook' });
    expect(within(mac).getByText(/^Erstellt am 10 Jan 2025 mit/)).toBeInTheDocument();
  });

  it('PairPrompt', async () => {
    const { container } = renderWithLatchkey(<PairPrompt />, {
      server: { user: null },
      labels: de,
    });
    const region = await screen.findByRole('region', {
      name: 'Einen Passkey auf diesem Gerät verwenden',
    });
    expect(
      within(region).getByRole('button', { name: 'Hier einen Passkey erstellen' }),
    ).toBeInTheDocument();
    expect(within(region).getByRole('button', { name: 'Nicht jetzt' })).toBeInTheDocument();
    expectNoEnglish(container, 'pairPrompt');
    await expectAccessible(container);
  });

  it('FallbackSettings', async () => {
    const { container } = renderWithLatchkey(<FallbackSettings />, {
      server: { signedIn: true },
      labels: de,
    });
    const group = await screen.findByRole('group', { name: 'Weitere Wege zur Anmeldung' });
    expect(
      await within(group).findByRole('checkbox', { name: 'Anmeldelink per E-Mail' }),
    ).toBeChecked();
    expect(screen.getByRole('button', { name: 'Speichern' })).toBeVisible();
    await expectAccessible(container);
  });

  it('RecoveryCodes', async () => {
    const { container, user } = renderWithLatchkey(
      <RecoveryCodes codes={['0001-7919', '0002-5838']} />,
      { labels: de },
    );
    const region = screen.getByRole('region', { name: 'Wiederherstellungscodes' });
    expect(region).toHaveAccessibleDescription(/nur dieses eine Mal angezeigt/);
    await user.click(screen.getByRole('button', { name: 'Codes kopieren' }));
    expect(screen.getByRole('status')).toHaveTextContent('Codes in die Zwischenablage kopiert.');
    expect(screen.getByRole('button', { name: 'Weiter' })).toBeDisabled();
    expectNoEnglish(container, 'recoveryCodes');
    await expectAccessible(container);
  });

  it('PendingApprovals, with German dates', async () => {
    const { container } = renderWithLatchkey(<PendingApprovals />, {
      server: {
        signedIn: true,
        passkeys: [
          { name: 'MacBook' },
          {
            name: 'Pixel 8',
            status: 'pending',
            createdWith: { browser: 'Chrome', os: 'Android', deviceType: 'mobile' },
          },
        ],
      },
      labels: de,
    });
    const pixel = await screen.findByRole('listitem', { name: 'Pixel 8' });
    expect(screen.getByRole('region', { name: 'Geräte, die auf Freigabe warten' })).toBeVisible();
    expect(
      within(pixel).getByText('Hinzugefügt am 11.01.2025 von Chrome auf Android'),
    ).toBeInTheDocument();
    expect(within(pixel).getByRole('button', { name: 'Freigeben' })).toBeInTheDocument();
    expectNoEnglish(container, 'pendingApprovals');
    await expectAccessible(container);
  });

  it('an error message, from the provider’s errors', async () => {
    renderWithLatchkey(<PendingApprovals />, {
      server: { signedIn: true, fail: { listApprovals: 'RATE_LIMITED' } },
      labels: de,
    });
    expect(await screen.findByText(/Zu viele Versuche\./)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Erneut versuchen' })).toBeInTheDocument();
  });

  it('TierUpgrade', async () => {
    const { container } = renderLocked(<TierUpgrade />, {
      server: { signedIn: true, passkeys: [{ name: 'MacBook' }] },
      labels: de,
    });
    const button = await screen.findByRole('button', { name: 'Sitzungen an meine Geräte binden' });
    expect(button).toHaveAccessibleDescription(/kopiertes Sitzungs-Cookie/);
    expectNoEnglish(container, 'tierUpgrade');
    await expectAccessible(container);
  });

  it('PasskeyKeyUnlock', async () => {
    const { container } = renderLocked(<PasskeyKeyUnlock />, {
      server: { signedIn: true, passkeys: [{ name: 'MacBook', prf: true }] },
      prf: [credentialIdOf('MacBook')],
      labels: de,
    });
    expect(
      await screen.findByRole('button', { name: 'Verschlüsselung mit Ihrem Passkey einrichten' }),
    ).toBeInTheDocument();
    expect(screen.getByRole('note')).toHaveTextContent(/für immer verloren/);
    expectNoEnglish(container, 'passkeyKeyUnlock');
    await expectAccessible(container);
  });

  it('EmailLinkSignIn and EmailLinkLanding', async () => {
    const token = 'tok_0123456789abcdef0123456789';
    const { container, user } = renderWithLatchkey(
      <>
        <EmailLinkSignIn defaultEmail="ada@example.com" />
        <EmailLinkLanding token={token} />
      </>,
      { server: { emailLinks: { [token]: { elsewhere: true } } }, labels: de },
    );
    expect(
      await screen.findByRole('button', { name: 'In diesem Browser anmelden' }),
    ).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Anmeldelink per E-Mail senden' }));
    expect(await screen.findByText(/ist ein Anmeldelink unterwegs/)).toBeInTheDocument();
    expectNoEnglish(container, 'emailLinkSignIn');
    expectNoEnglish(container, 'emailLinkLanding');
    await expectAccessible(container);
  });
});
