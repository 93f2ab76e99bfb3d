import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

/** Debian's Chromium unless `CHROMIUM_PATH` names another build. */
const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** A Chromium profile with one page and a CTAP2 platform authenticator (resident keys, UV). */
export interface Device {
  readonly page: Page;
  /** Console errors, page errors and failed requests, for a failing step's report. */
  readonly log: string[];
  close(): Promise<void>;
}

/**
 * Launches headless Chromium with a fresh profile and a virtual authenticator.
 *
 * @example
 * const laptop = await launchDevice();
 * await laptop.page.goto(url);
 */
export async function launchDevice(): Promise<Device> {
  const userDataDir = await mkdtemp(join(tmpdir(), 'latchkey-express-e2e-'));
  let context: BrowserContext | undefined;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      timeout: 30_000,
    });
    context.setDefaultTimeout(15_000);
    context.setDefaultNavigationTimeout(30_000);
    const page = context.pages()[0] ?? (await context.newPage());
    const log: string[] = [];
    page.on('pageerror', (error) => log.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') log.push(`console.error: ${message.text()}`);
    });
    page.on('requestfailed', (request) =>
      log.push(`request failed: ${request.method()} ${request.url()}`),
    );
    const cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable', { enableUI: false });
    await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
        automaticPresenceSimulation: true,
      },
    });
    const opened = context;
    return {
      page,
      log,
      async close() {
        await opened.close().catch(() => {});
        await rm(userDataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await context?.close().catch(() => {});
    await rm(userDataDir, { recursive: true, force: true });
    throw error;
  }
}
