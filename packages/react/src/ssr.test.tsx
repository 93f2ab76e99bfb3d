// @vitest-environment node
import { renderToString } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import {
  LatchkeyProvider,
  PairPrompt,
  PasskeyEnrolButton,
  PasskeyList,
  PasskeySignIn,
  PendingApprovals,
  RecoveryCodes,
  useSession,
} from './index.js';
import { createMockServer } from './testing/mock-server.js';

function Status() {
  const { status } = useSession();
  return <output>{status}</output>;
}

describe('server rendering', () => {
  it('runs without a window and renders the loading state without a request', () => {
    expect(typeof window).toBe('undefined');
    const server = createMockServer({ signedIn: true, passkeys: [{ name: 'MacBook' }] });
    const html = renderToString(
      <LatchkeyProvider client={server.client}>
        <Status />
        <PasskeySignIn aria-label="Sign in" />
        <PasskeyEnrolButton />
        <PasskeyList />
        <PairPrompt />
        <PendingApprovals />
        <RecoveryCodes />
      </LatchkeyProvider>,
    );
    expect(html).toContain('<output>loading</output>');
    expect(html).toMatch(/<input[^>]*autoComplete="username webauthn"/);
    expect(html).toContain('data-latchkey-passkey-list=""');
    expect(html).toContain('data-state="loading"');
    // The pair prompt waits for the browser: nothing about dismissal is known on a server.
    expect(html).not.toContain('data-latchkey-pair-prompt');
    expect(server.calls).toEqual([]);
  });

  it('builds a provider from a baseUrl without touching the network', () => {
    const html = renderToString(
      <LatchkeyProvider baseUrl="https://app.example/auth">
        <Status />
      </LatchkeyProvider>,
    );
    expect(html).toBe('<output>loading</output>');
  });
});
