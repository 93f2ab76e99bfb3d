import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserDevice, launchDevice } from '@latchkey/browser-device';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import {
  createDemoServer,
  type DemoServer,
  type DemoServerOptions,
} from '../../server/create-demo-server.js';

/**
 * Every simulated device reaches the server from 127.0.0.1, so one person's steps
 * on several devices count as one address; the default (30 a minute per route) is
 * for one person.
 */
const RATE_LIMIT_PER_IP = 500;

/** One browser suite's demo server and devices, made and closed by `demoSuite`. */
export interface DemoSuite {
  /** `http://localhost:PORT` (read it inside a test or hook: it is set in `beforeAll`). */
  readonly url: string;
  readonly port: number;
  /** The running server; `closeServer()` stops it early (a restart on the same folder). */
  readonly demo: DemoServer;
  closeServer(): Promise<void>;
  readonly dataDir: string;
  /** What the server logged (errors that were not the caller's fault). */
  readonly serverLog: readonly string[];
  /**
   * A new device, closed after the suite. `presence: false`: its authenticator
   * answers only inside `touch()`, as a person touches it on purpose, so an
   * autofill request waits instead of signing in by itself. `enableUI`: see `LaunchOptions`.
   */
  device(
    name: string,
    options?: { presence?: boolean; enableUI?: boolean },
  ): Promise<BrowserDevice>;
  /** A device an earlier step made. */
  deviceNamed(name: string): BrowserDevice;
}

/**
 * Registers what every browser suite of the demo does around its tests: the real
 * demo server (Hono + Latchkey + PGlite in a fresh folder) on a free port, the
 * devices it launches closed at the end, and, when a step fails, what the server
 * and each browser logged during that step.
 *
 * @example
 * const suite = demoSuite('journey');
 * test('signs up', async () => {
 *   const laptop = await suite.device('laptop', { presence: false });
 *   await laptop.page.goto(`${suite.url}/sign-up`);
 * });
 */
export function demoSuite(
  name: string,
  options: Partial<Omit<DemoServerOptions, 'dataDir' | 'logger'>> = {},
): DemoSuite {
  let demo: DemoServer | null = null;
  let started: { url: string; port: number } | null = null;
  let dataDir = '';
  const devices: BrowserDevice[] = [];
  const serverLog: string[] = [];
  let serverLogMark = 0;
  const logMarks = new Map<BrowserDevice, number>();

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), `latchkey-e2e-${name}-`));
    demo = await createDemoServer({
      port: 0,
      host: 'localhost',
      rateLimit: { perIp: RATE_LIMIT_PER_IP },
      ...options,
      dataDir,
      logger: (message, error) =>
        serverLog.push(`${message}: ${error instanceof Error ? error.stack : String(error)}`),
    });
    started = { url: demo.url, port: demo.port };
  });

  beforeEach(() => {
    for (const d of devices) logMarks.set(d, d.log.length);
    serverLogMark = serverLog.length;
  });

  afterEach((context) => {
    if (context.task.result?.state !== 'fail') return;
    const server = serverLog.slice(serverLogMark);
    if (server.length) console.error(`server log:\n  ${server.join('\n  ')}`);
    for (const d of devices) {
      const lines = d.log.slice(logMarks.get(d) ?? 0);
      if (lines.length) console.error(`[${d.name}] browser log:\n  ${lines.join('\n  ')}`);
    }
  });

  afterAll(async () => {
    await Promise.all(devices.map((d) => d.close()));
    await demo?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const address = () => {
    if (!started) throw new Error('The demo server is not started: read the suite inside a test');
    return started;
  };

  return {
    get url() {
      return address().url;
    },
    get port() {
      return address().port;
    },
    get demo() {
      if (!demo) throw new Error('The demo server is not running');
      return demo;
    },
    async closeServer() {
      const running = demo;
      demo = null;
      await running?.close();
    },
    get dataDir() {
      return dataDir;
    },
    serverLog,
    async device(deviceName, { presence = true, enableUI = false } = {}) {
      const launched = await launchDevice(`${name}-${deviceName}`, { enableUI });
      devices.push(launched);
      logMarks.set(launched, 0);
      if (!presence) await launched.setPresence(false);
      return launched;
    },
    deviceNamed(deviceName) {
      const found = devices.find((d) => d.name === `${name}-${deviceName}`);
      if (!found) throw new Error(`No device named ${deviceName}: an earlier step did not run`);
      return found;
    },
  };
}
