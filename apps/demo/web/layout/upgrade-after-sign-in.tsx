import type { SessionKind } from '@latchkey/core';
import { useSession, useUpgradeToPasskey } from '@latchkey/react';
import { useEffect } from 'react';

/** Sign-ins that used no passkey, after which the browser may save one by itself. */
const WITHOUT_A_PASSKEY: readonly SessionKind[] = ['password', 'email'];

/**
 * After a sign-in with a password or an email link, asks the browser once per session to
 * save a passkey without a dialog (a conditional create). It shows nothing: a browser
 * that cannot, or declines, leaves the page as it was, and a passkey ceremony the
 * person starts meanwhile (such as "Add a passkey on this device") replaces it.
 *
 * @example
 * <UpgradeAfterSignIn />
 */
export function UpgradeAfterSignIn() {
  const { session } = useSession();
  const { upgradeToPasskey } = useUpgradeToPasskey();
  const upgradable = session && WITHOUT_A_PASSKEY.includes(session.kind) ? session.id : null;
  useEffect(() => {
    if (upgradable) void upgradeToPasskey();
  }, [upgradable, upgradeToPasskey]);
  return null;
}
