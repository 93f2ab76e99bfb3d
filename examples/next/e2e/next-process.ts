import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const APP_DIR = fileURLToPath(new URL('../', import.meta.url));
const NEXT_BIN = fileURLToPath(import.meta.resolve('next/dist/bin/next'));

/** `next start` on a free port, as a child process. */
export interface NextProcess {
  readonly url: string;
  /** Everything it printed so far. */
  output(): string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Starts the built app with `next start` (production mode), its PGlite folder in
 * `dataDir`, and waits until `/auth/session` answers (the store is open).
 *
 * @example
 * const app = await startNext({ dataDir });
 * await app.stop();
 */
export async function startNext({ dataDir }: { dataDir: string }): Promise<NextProcess> {
  const port = await freePort();
  const url = `http://localhost:${port}`;
  const child: ChildProcess = spawn(
    process.execPath,
    [NEXT_BIN, 'start', '--port', String(port), '--hostname', 'localhost'],
    {
      cwd: APP_DIR,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        NODE_ENV: 'production',
        NEXT_TELEMETRY_DISABLED: '1',
        APP_ORIGIN: url,
        LATCHKEY_DATA_DIR: dataDir,
        LATCHKEY_SECRET: randomBytes(32).toString('base64url'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const app: NextProcess = {
    url,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };

  // Ready once the first Latchkey answer comes back (PGlite opened and migrated).
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`next start exited:\n${output}`);
    try {
      const res = await fetch(`${url}/auth/session`, { signal: AbortSignal.timeout(30_000) });
      if (res.status === 200) return app;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await app.stop();
      throw new Error(`next start did not answer in 90 s:\n${output}`);
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 250);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
