// Bun and Deno, for real: the package's built entries served by `Bun.serve` with
// `toBunHandler` and by `Deno.serve` with `toDenoHandler` (test/runtimes/serve.mjs),
// driven over HTTP: a passkey sign-up with the software authenticator, the
// session it opens, and the per-address rate limit, which only bites when the
// adapter passed the socket peer. The runtimes come from the npm registry
// (devDependencies `bun` and `deno`); their binaries are run directly. Deno's
// is in its platform package; Bun's postinstall moves its binary from the
// platform package to `bun/bin/bun.exe` (approved in the root package.json's
// `allowScripts`). A missing binary fails the test: it is never skipped.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestAuthenticator } from '../src/testing/index.js';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const ORIGIN = 'http://localhost:3000';

type Runtime = 'bun' | 'deno';

/** Where npm put Deno's binary: its platform package, one of the `deno` package's optional dependencies. */
function denoBinary(): string {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error('this test knows the deno binary for linux-x64 only');
  }
  return join(dirname(require.resolve('@deno/linux-x64-glibc/package.json')), 'deno');
}

/**
 * Where Bun's postinstall put its binary: `bin/bun.exe` of the `bun` package (the
 * name on every platform). Until the postinstall runs, that file is a
 * placeholder: a script of a few hundred bytes that says so (the binary is ~100 MB).
 */
function bunBinary(): string {
  let pkg: string;
  try {
    pkg = require.resolve('bun/package.json');
  } catch {
    throw new Error('no Bun: the dev dependency `bun` is not installed (npm ci)');
  }
  const binary = join(dirname(pkg), 'bin', 'bun.exe');
  if (!existsSync(binary)) {
    throw new Error(`no Bun binary at ${binary}: install the dev dependencies (npm ci)`);
  }
  if (statSync(binary).size < 100_000) {
    throw new Error(
      `${binary} is Bun's placeholder, not the binary: Bun's postinstall did not run ` +
        "(it is approved in the root package.json's allowScripts; --ignore-scripts skips it)",
    );
  }
  return binary;
}

const COMMANDS: Record<Runtime, () => [string, string[]]> = {
  bun: () => [bunBinary(), ['run', 'test/runtimes/serve.mjs']],
  deno: () => [
    denoBinary(),
    ['run', '--allow-net', '--allow-read', '--allow-env', 'test/runtimes/serve.mjs'],
  ],
};

let child: ChildProcess | null = null;

afterEach(async () => {
  if (child && child.exitCode === null) {
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
  }
  child = null;
});

/** Starts serve.mjs under the runtime and resolves with what it announced. */
async function serve(runtime: Runtime): Promise<{ runtime: string; port: number }> {
  const [binary, args] = COMMANDS[runtime]();
  const started = spawn(binary, args, {
    cwd: packageDir,
    env: { ...process.env, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child = started;
  let stderr = '';
  started.stderr!.on('data', (chunk) => {
    stderr += chunk;
  });
  const lines = createInterface({ input: started.stdout! });
  const exited = once(started, 'exit').then(([code]) => {
    throw new Error(`${runtime} exited (${code}) before it listened: ${stderr}`);
  });
  const announced = (async () => {
    for await (const line of lines) {
      if (line.startsWith('{')) return JSON.parse(line) as { runtime: string; port: number };
    }
    throw new Error(`${runtime} closed its output: ${stderr}`);
  })();
  return Promise.race([announced, exited]);
}

interface Answer {
  status: number;
  body: { [key: string]: unknown; error?: { code: string } };
  cookies: Record<string, string>;
}

/** A request as a browser on `ORIGIN` sends it, over a real socket to 127.0.0.1. */
function send(port: number, method: string, path: string, body?: unknown, cookie?: string) {
  return new Promise<Answer>((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string> = { host: 'localhost:3000', accept: 'application/json' };
    if (method !== 'GET') headers.origin = ORIGIN;
    if (payload !== undefined) headers['content-type'] = 'application/json';
    if (cookie) headers.cookie = cookie;
    const req = request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        text += chunk;
      });
      res.on('end', () => {
        const cookies: Record<string, string> = {};
        for (const line of res.headers['set-cookie'] ?? []) {
          const pair = line.split(';')[0]!;
          cookies[pair.slice(0, pair.indexOf('='))] = pair.slice(pair.indexOf('=') + 1);
        }
        resolve({ status: res.statusCode!, body: text ? JSON.parse(text) : {}, cookies });
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}

describe.each(['bun', 'deno'] as const)('%s serves Latchkey', (runtime) => {
  it('signs up with a passkey, keeps the session, and limits each client address', {
    timeout: 60_000,
  }, async () => {
    const { port, runtime: version } = await serve(runtime);
    expect(version.startsWith(runtime)).toBe(true);

    const anonymous = await send(port, 'GET', '/auth/session');
    expect([anonymous.status, anonymous.body.user]).toEqual([200, null]);

    const authenticator = createTestAuthenticator({ origin: ORIGIN });
    const email = `${runtime}@example.com`;
    const options = await send(port, 'POST', '/auth/passkeys/register-options', { email });
    expect(options.status).toBe(200);
    const response = await authenticator.register(
      options.body.options as Parameters<typeof authenticator.register>[0],
    );
    const registered = await send(
      port,
      'POST',
      '/auth/passkeys/register',
      { response },
      `latchkey-pre=${options.cookies['latchkey-pre']}`,
    );
    expect(registered.status).toBe(201);
    const cookie = `latchkey=${registered.cookies.latchkey}`;
    const session = await send(port, 'GET', '/auth/session', undefined, cookie);
    expect((session.body.user as { email: string }).email).toBe(email);

    // The per-address limit (3 a minute) counts only requests whose address the
    // adapter passed: without it, the limit is skipped and every one answers 200.
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      statuses.push((await send(port, 'POST', '/auth/passkeys/auth-options', {})).status);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
  });
});
