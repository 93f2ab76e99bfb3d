import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, type CDPSession, chromium, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium.js';

/** A credential as the virtual authenticator holds it (CDP `WebAuthn.Credential`). */
export interface VirtualCredential {
  credentialId: string;
  isResidentCredential: boolean;
  rpId?: string;
  privateKey: string;
  userHandle?: string;
  signCount: number;
}

/** A `navigator.credentials.create` call the page made, and how it has ended so far. */
export interface CreateRequest {
  mediation: string;
  state: 'pending' | 'resolved' | 'rejected';
  /** The DOMException's name, once rejected (`NotAllowedError`, `AbortError`…). */
  error?: string;
}

/**
 * One simulated device: its own Chromium profile (a fresh user-data folder, so
 * its own cookies), one page, and a CTAP2 platform authenticator with resident
 * keys and user verification, attached over CDP.
 */
export interface BrowserDevice {
  readonly name: string;
  readonly context: BrowserContext;
  readonly page: Page;
  readonly cdp: CDPSession;
  readonly authenticatorId: string;
  /** Console errors, page errors and failed requests, for a failing step's report. */
  readonly log: string[];
  /** The passkeys this device's authenticator holds. */
  credentials(): Promise<VirtualCredential[]>;
  /** Puts passkeys (back) into the authenticator, as if they had never left. */
  addCredentials(credentials: readonly VirtualCredential[]): Promise<void>;
  /** Forgets every passkey: the next ceremony finds none and the browser refuses it. */
  clearCredentials(): Promise<void>;
  /** `false` makes the authenticator's user verification (PIN, biometrics) fail. */
  setUserVerified(verified: boolean): Promise<void>;
  /**
   * Whether the authenticator answers tests of user presence by itself (a touch).
   * Off, a request waits as a person who has not touched anything would: an autofill
   * (conditional) request stays pending instead of completing at once.
   */
  setPresence(present: boolean): Promise<void>;
  /**
   * Waits until the browser has received the page's autofill (conditional) request, so that a
   * later `setPresence(true)` cannot reach it: it stays pending as it would for a
   * person who has not opened the autofill list.
   */
  waitForAutofillRequest(): Promise<void>;
  /** Every `navigator.credentials.create` the current page made, in order (observed, not changed). */
  createRequests(): Promise<CreateRequest[]>;
  close(): Promise<void>;
}

export interface LaunchOptions {
  /**
   * `WebAuthn.enable`'s `enableUI`: with it, Chromium runs its own WebAuthn UI logic
   * (still headless) instead of skipping straight to the virtual authenticator.
   * Default false.
   */
  enableUI?: boolean;
}

/**
 * Launches Chromium with a fresh profile and a virtual authenticator.
 *
 * @example
 * const alice = await launchDevice('alice-laptop');
 * await alice.page.goto(`${demo.url}/sign-up`);
 * await alice.close();
 */
export async function launchDevice(
  name: string,
  { enableUI = false }: LaunchOptions = {},
): Promise<BrowserDevice> {
  const userDataDir = await mkdtemp(join(tmpdir(), `latchkey-e2e-${name}-`));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...CHROMIUM_ARGS],
    timeout: 30_000,
    viewport: { width: 1000, height: 800 },
  });
  try {
    context.setDefaultTimeout(10_000);
    context.setDefaultNavigationTimeout(15_000);
    const page = context.pages()[0] ?? (await context.newPage());
    const log: string[] = [];
    page.on('console', (message) => {
      // Failed loads are logged with their URL by the response listener below.
      if (message.text().startsWith('Failed to load resource')) return;
      if (message.type() === 'error' || message.type() === 'warning')
        log.push(`console.${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => log.push(`page error: ${error.message}`));
    page.on('response', (response) => {
      if (response.status() >= 400)
        log.push(`HTTP ${response.status()}: ${response.request().method()} ${response.url()}`);
    });
    page.on('requestfailed', (request) =>
      log.push(`request failed: ${request.method()} ${request.url()}`),
    );

    // Observe (never change) the page's conditional requests: call the real API, then count
    // each one the browser process has received. The page's WebAuthn calls travel to the
    // browser on one message pipe, in order, so when the browser answers a question asked
    // right after the request (is conditional mediation available?), it has the request.
    await context.addInitScript(() => {
      const credentials = navigator.credentials;
      const get = credentials.get.bind(credentials);
      const seen = window as unknown as { __latchkeyConditionalRequests?: number };
      seen.__latchkeyConditionalRequests = 0;
      credentials.get = (options?: CredentialRequestOptions) => {
        const request = get(options);
        if (options?.mediation === 'conditional') {
          void PublicKeyCredential.isConditionalMediationAvailable().then(() => {
            seen.__latchkeyConditionalRequests! += 1;
          });
        }
        return request;
      };
      // The same for create: the real call, with its mediation and outcome written down.
      const create = credentials.create.bind(credentials);
      const created = window as unknown as {
        __latchkeyCreateRequests?: Array<{ mediation: string; state: string; error?: string }>;
      };
      created.__latchkeyCreateRequests = [];
      credentials.create = (options?: CredentialCreationOptions) => {
        const record = {
          mediation: (options as { mediation?: string } | undefined)?.mediation ?? 'optional',
          state: 'pending',
        } as { mediation: string; state: string; error?: string };
        created.__latchkeyCreateRequests!.push(record);
        const request = create(options);
        request.then(
          () => {
            record.state = 'resolved';
          },
          (error: unknown) => {
            record.state = 'rejected';
            record.error = (error as Error | undefined)?.name;
          },
        );
        return request;
      };
    });

    const cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable', { enableUI });
    const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        ctap2Version: 'ctap2_1',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
        automaticPresenceSimulation: true,
      },
    });

    return {
      name,
      context,
      page,
      cdp,
      authenticatorId,
      log,
      async credentials() {
        const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
        return credentials;
      },
      async addCredentials(credentials) {
        for (const credential of credentials) {
          await cdp.send('WebAuthn.addCredential', { authenticatorId, credential });
        }
      },
      async clearCredentials() {
        await cdp.send('WebAuthn.clearCredentials', { authenticatorId });
      },
      async setUserVerified(verified) {
        await cdp.send('WebAuthn.setUserVerified', { authenticatorId, isUserVerified: verified });
      },
      async setPresence(present) {
        await cdp.send('WebAuthn.setAutomaticPresenceSimulation', {
          authenticatorId,
          enabled: present,
        });
      },
      async waitForAutofillRequest() {
        await page.waitForFunction(
          () =>
            ((window as unknown as { __latchkeyConditionalRequests?: number })
              .__latchkeyConditionalRequests ?? 0) > 0,
          undefined,
          { timeout: 15_000 },
        );
      },
      async createRequests() {
        return page.evaluate(
          () =>
            (window as unknown as { __latchkeyCreateRequests?: CreateRequest[] })
              .__latchkeyCreateRequests ?? [],
        );
      },
      async close() {
        await context.close().catch(() => {});
        await rm(userDataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await context.close().catch(() => {});
    await rm(userDataDir, { recursive: true, force: true });
    throw error;
  }
}
