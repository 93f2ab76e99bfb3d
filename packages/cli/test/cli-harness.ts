import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, watch } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
// The server comes from source, not from its build: these tests exercise the CLI
// against the server code of this very tree. (@latchkey/cli does not depend on
// @latchkey/server; a devDependency would let this import the package by name.)
import { toNodeListener } from '../../server/src/adapters/node.js';
import type { LatchkeyConfig } from '../../server/src/config/latchkey-config.js';
import { createTestServer, type TestBrowser, type TestServer } from '../../server/test/harness.js';

export const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));

/** The tests run the built binary; they never build it themselves. */
export function requireBuiltBinary(): void {
  if (!existsSync(BIN)) {
    throw new Error(
      `The CLI is not built (${BIN} is missing). Build it first: cd packages/cli && npx tsup ` +
        '(turbo builds it before the test task).',
    );
  }
}

export interface LiveServer {
  /** `http://127.0.0.1:<port>`: what a person passes to --base-url. */
  url: string;
  server: TestServer;
  /** Moves the server's clock (not the CLI's) forward. */
  advance(ms: number): void;
  /** A browser with a passkey, signed up as `email`. */
  person(email: string): Promise<TestBrowser>;
  close(): Promise<void>;
}

/**
 * A real node:http server on a free loopback port running createLatchkey on the
 * memory store, with a one-second device-flow interval so logins are quick.
 */
export async function startServer(config: Partial<LatchkeyConfig> = {}): Promise<LiveServer> {
  const http = createServer();
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  let skew = 0;
  const server = createTestServer({
    origins: [url],
    rateLimit: { perIp: 1000 },
    deviceFlow: { interval: 1 },
    // The real clock (plus a skew a test can add): polling intervals are real time.
    now: () => Date.now() + skew,
    ...config,
  });
  http.on('request', toNodeListener(server.latchkey.handler));
  return {
    url,
    server,
    advance(ms) {
      skew += ms;
    },
    async person(email) {
      const browser = server.browser();
      const res = await browser.signUp({ email });
      if (res.status !== 201) throw new Error(`sign-up failed: ${JSON.stringify(res.body)}`);
      return browser;
    },
    close: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliRun {
  /** Resolves with the first match of `pattern` in stderr so far or to come. */
  waitForStderr(pattern: RegExp): Promise<RegExpMatchArray>;
  done: Promise<CliResult>;
  child: ChildProcess;
}

/** Quotes one argument for `sh -c`. */
const shellQuote = (arg: string) => `'${arg.replace(/'/g, `'\\''`)}'`;

/**
 * Runs `node dist/bin.js …args` with only the given environment (plus PATH).
 * With `terminal`, it runs in a pseudo-terminal (util-linux `script`), as when a
 * person types it: stdout is a TTY, so the CLI may open a browser. A terminal
 * has one output stream, so then everything comes in `stderr` (and `stdout` is
 * empty), with the terminal's `\r\n` line ends.
 */
export function runCli(
  args: string[],
  env: Record<string, string>,
  options: { terminal?: boolean } = {},
): CliRun {
  const fullEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env };
  const child = options.terminal
    ? spawn(
        'script',
        ['-qfec', [process.execPath, BIN, ...args].map(shellQuote).join(' '), '/dev/null'],
        { env: { SHELL: '/bin/sh', ...fullEnv }, stdio: ['ignore', 'pipe', 'pipe'] },
      )
    : spawn(process.execPath, [BIN, ...args], {
        env: fullEnv,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
  let stdout = '';
  let stderr = '';
  const waiters: { pattern: RegExp; resolve: (m: RegExpMatchArray) => void }[] = [];
  const onStderr = (chunk: Buffer) => {
    stderr += chunk.toString();
    for (const waiter of [...waiters]) {
      const match = stderr.match(waiter.pattern);
      if (match) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(match);
      }
    }
  };
  child.stderr.on('data', onStderr);
  if (options.terminal) child.stdout.on('data', onStderr);
  else
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  return {
    child,
    done,
    waitForStderr(pattern) {
      const match = stderr.match(pattern);
      if (match) return Promise.resolve(match);
      return new Promise((resolve, reject) => {
        waiters.push({ pattern, resolve });
        done.then(({ code }) => {
          reject(new Error(`latchkey exited (${code}) before printing ${pattern}:\n${stderr}`));
        });
      });
    },
  };
}

/** The user code a device-flow command prints. */
export const USER_CODE = /\b([A-Z0-9]{4}-[A-Z0-9]{4})\b/;

/** Approves a device code as the person: a passkey step-up, then approve. */
export async function approve(browser: TestBrowser, userCode: string): Promise<void> {
  const step = await browser.stepUp();
  if (step.status !== 200) throw new Error(`step-up failed: ${JSON.stringify(step.body)}`);
  const res = await browser.call('POST', '/auth/device/approve', { user_code: userCode });
  if (res.status !== 200) throw new Error(`approve failed: ${JSON.stringify(res.body)}`);
}

/** A fresh HOME for one test. */
export async function tempHome(): Promise<{ home: string; remove(): Promise<void> }> {
  const home = await mkdtemp(join(tmpdir(), 'latchkey-cli-'));
  return { home, remove: () => rm(home, { recursive: true, force: true }) };
}

export interface FakeBrowser {
  /** Put first in PATH: it holds an `xdg-open` that records what it was asked to open. */
  bin: string;
  /** Resolves with the arguments of the first `xdg-open` call, once it has happened. */
  waitForOpen(): Promise<string[]>;
  /** The arguments of every `xdg-open` call so far, one list per call. */
  opened(): Promise<string[][]>;
  remove(): Promise<void>;
}

/**
 * A desktop whose browser is an `xdg-open` script writing its arguments (one a
 * line, then a blank line) to a log file: what the CLI opens, and how.
 */
export async function fakeBrowser(): Promise<FakeBrowser> {
  const bin = await mkdtemp(join(tmpdir(), 'latchkey-browser-'));
  const log = join(bin, 'opened.log');
  const script = join(bin, 'xdg-open');
  // One write of the whole record, to a temporary name and a rename: a reader
  // never sees half of it.
  await writeFile(
    script,
    `#!/bin/sh\n{ cat '${log}' 2>/dev/null; printf '%s\\n' "$@"; echo; } > '${log}.tmp' && mv '${log}.tmp' '${log}'\n`,
  );
  await chmod(script, 0o755);
  const opened = async (): Promise<string[][]> => {
    let text: string;
    try {
      text = await readFile(log, 'utf8');
    } catch {
      return [];
    }
    return text
      .split('\n\n')
      .filter(Boolean)
      .map((call) => call.split('\n'));
  };
  return {
    bin,
    opened,
    waitForOpen: () =>
      new Promise((resolve, reject) => {
        const watcher = watch(bin, async () => {
          const [first] = await opened();
          if (first) {
            watcher.close();
            resolve(first);
          }
        });
        watcher.on('error', reject);
        opened().then(([first]) => {
          if (first) {
            watcher.close();
            resolve(first);
          }
        });
      }),
    remove: () => rm(bin, { recursive: true, force: true }),
  };
}
