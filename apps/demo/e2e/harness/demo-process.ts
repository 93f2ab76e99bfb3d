import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const DEMO_DIR = fileURLToPath(new URL('../../', import.meta.url));

/** `npm run serve` as a child process: `node --import tsx server/main.ts`. */
export interface DemoProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** Everything it printed so far. */
  output(): string;
  /** Sends `signal` and resolves with the exit code (or null when killed by a signal). */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface DemoProcessOptions {
  port: number;
  dataDir: string;
  /** More environment variables, such as `LATCHKEY_RATE_LIMIT_PER_IP`. */
  env?: Record<string, string>;
  /** How long to wait for "Latchkey demo at …". */
  timeout?: number;
}

/**
 * Starts `server/main.ts` the way `npm start` does, configured only through its
 * environment (`PORT`, `HOST`, `LATCHKEY_DATA_DIR`), and waits for its start-up line.
 * `DATABASE_URL` and `REDIS_URL` are left out, so it runs on the PGlite folder.
 *
 * @example
 * const demo = await startDemoProcess({ port: 4123, dataDir });
 * expect(await demo.stop('SIGTERM')).toBe(0);
 */
export function startDemoProcess({
  port,
  dataDir,
  env = {},
  timeout = 45_000,
}: DemoProcessOptions): Promise<DemoProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: DEMO_DIR,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      PORT: String(port),
      HOST: 'localhost',
      LATCHKEY_DATA_DIR: dataDir,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );

  const demo: DemoProcess = {
    url: `http://localhost:${port}`,
    child,
    output: () => output,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };

  const banner = `Latchkey demo at http://localhost:${port}`;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      void demo.stop('SIGKILL');
      reject(new Error(`The demo did not start within ${timeout} ms. It printed:\n${output}`));
    }, timeout);
    const onData = () => {
      if (!output.includes(banner)) return;
      cleanup();
      resolve(demo);
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`The demo exited (code ${code}) before it started. It printed:\n${output}`));
    };
    const cleanup = () => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
    };
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
  });
}
