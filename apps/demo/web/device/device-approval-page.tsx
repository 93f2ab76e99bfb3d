import { Page } from '../layout/page.js';
import { RequireSession } from '../layout/require-session.js';
import { DeviceApproval } from './device-approval.js';

/**
 * `/device`, where `latchkey login` (RFC 8628's `verification_uri`) sends the
 * person: check the code, see which script or agent asks, approve with a passkey
 * or deny. Signed out, it offers sign-in and comes back here with the code.
 *
 * @example
 * <DeviceApprovalPage />
 */
export function DeviceApprovalPage() {
  return (
    <Page
      title="Approve a device"
      intro="A command-line tool or an AI agent asked to act as you. Check that it shows the same code, see who asks and for what, then approve with your passkey or deny."
    >
      <RequireSession>
        <DeviceApproval
          initialCode={new URLSearchParams(window.location.search).get('user_code')}
        />
      </RequireSession>
    </Page>
  );
}
