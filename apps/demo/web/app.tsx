import { type ComponentType, useEffect, useRef } from 'react';
import { AccountSecurityPage } from './account/account-security-page.js';
import { AuditLogPage } from './audit/audit-log-page.js';
import { MailboxPage } from './dev/mailbox-page.js';
import { DeviceApprovalPage } from './device/device-approval-page.js';
import { EmailLinkPage } from './email-link/email-link-page.js';
import { EncryptedNotePage } from './encrypted-note/encrypted-note-page.js';
import { HandoffLanding } from './handoff/handoff-landing.js';
import { HandoffPage } from './handoff/handoff-page.js';
import { HomePage } from './home/home-page.js';
import { NotFoundPage } from './home/not-found-page.js';
import { SiteHeader } from './layout/site-header.js';
import { UpgradeAfterSignIn } from './layout/upgrade-after-sign-in.js';
import { usePath } from './navigation/use-location.js';
import { PairDevicePage } from './pairing/pair-device-page.js';
import { RecoverPage } from './recovery/recover-page.js';
import { SignInPage } from './sign-in/sign-in-page.js';
import { SignUpPage } from './sign-up/sign-up-page.js';
import { WhoAmIPage } from './who-am-i/who-am-i-page.js';

/** Every page by path; the server answers each of these paths with `index.html`. */
const PAGES: Record<string, ComponentType> = {
  '/': HomePage,
  '/sign-in': SignInPage,
  '/sign-up': SignUpPage,
  '/account': AccountSecurityPage,
  '/pair': PairDevicePage,
  '/recover': RecoverPage,
  '/me': WhoAmIPage,
  '/audit': AuditLogPage,
  '/device': DeviceApprovalPage,
  '/handoff': HandoffPage,
  '/note': EncryptedNotePage,
  '/email-link': EmailLinkPage,
  // Answered by the server only in development (an empty page says so otherwise).
  '/dev/mailbox': MailboxPage,
};

/**
 * The demo app: a banner, then the page for the current path.
 *
 * @example
 * <LatchkeyProvider baseUrl="/auth"><App /></LatchkeyProvider>
 */
export function App() {
  const path = usePath();
  const CurrentPage = PAGES[path.replace(/(.)\/+$/, '$1')] ?? NotFoundPage;
  const first = useRef(true);

  // After a client-side navigation, move focus to the new page's heading, as a full load would.
  useEffect(() => {
    void path;
    if (first.current) {
      first.current = false;
      return;
    }
    document.getElementById('page-title')?.focus();
  }, [path]);

  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <SiteHeader />
      <UpgradeAfterSignIn />
      <main id="main">
        <HandoffLanding />
        <CurrentPage key={path} />
      </main>
      <footer className="site-footer">
        <p>
          Latchkey demo · passkeys first: each device holds its own key, and nothing you type here
          can be phished. An email link only lets you add a passkey.
        </p>
      </footer>
    </>
  );
}
