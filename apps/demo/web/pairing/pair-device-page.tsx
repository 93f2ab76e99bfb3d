import { PairPrompt, useSession } from '@latchkey/react';
import { useEffect, useState } from 'react';
import { ERROR_SENTENCES } from '../errors/describe-error.js';
import { Page } from '../layout/page.js';
import { navigate } from '../navigation/use-location.js';
import { ApprovalQr } from './approval-qr.js';
import { ApprovePairing } from './approve-pairing.js';

/**
 * Pairing, from both sides: a new device asks and shows a code; a signed-in
 * device looks the code up, confirms with its passkey and approves; the new
 * device then creates its own passkey.
 *
 * @example
 * <PairDevicePage />
 */
export function PairDevicePage() {
  const { status, session } = useSession();
  // Once this page started as the new device, it stays so until its passkey exists.
  const [newDevice, setNewDevice] = useState(false);
  const trusted = status === 'authenticated' && session?.kind === 'full';

  return (
    <Page
      title="Pair a new device"
      intro="Add a device without a password: the new device shows a code, a device where you are already signed in approves it, then the new device creates its own passkey."
    >
      {status === 'loading' ? (
        <p role="status" className="muted">
          Checking your session…
        </p>
      ) : trusted && !newDevice ? (
        <ApprovePairing />
      ) : (
        <NewDevice onMount={setNewDevice} />
      )}
    </Page>
  );
}

function NewDevice({ onMount }: { onMount: (started: true) => void }) {
  const { status, session } = useSession();
  useEffect(() => onMount(true), [onMount]);
  return (
    <section className="panel" aria-labelledby="new-device-title">
      <h2 id="new-device-title">This is the new device</h2>
      <p className="muted">
        Get a code here, then approve it from a device where you are already signed in.
      </p>
      <PairPrompt
        open
        needed
        onOpenChange={(open) => {
          // "Done" after the passkey exists, or "Back" before: go where the person now belongs.
          if (!open)
            navigate(
              status === 'authenticated' && session?.kind === 'full' ? '/account' : '/sign-in',
            );
        }}
        renderCode={(code) => <ApprovalQr code={code} />}
        labels={{
          title: 'Get in with a device you trust',
          description: 'This device has no passkey for your account yet.',
          enrolHere: 'Create a passkey on this device',
          enterCode:
            'On a device where you are signed in, open “Pair a device” and type this code:',
          dismiss: 'Back',
          done: 'Go to account security',
          errors: ERROR_SENTENCES,
          enrolButton: { errors: ERROR_SENTENCES },
        }}
      />
    </section>
  );
}
