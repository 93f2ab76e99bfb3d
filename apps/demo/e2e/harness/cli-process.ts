import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const CLI_PACKAGE_JSON = createRequire(import.meta.url).resolve('@latchkey/cli/package.json');

/**
 * The real `latchkey` binary, as npm would link it: `@latchkey/cli`'s `bin.latchkey`
 * (`packages/cli/dist/bin.js`, built by `turbo run build` or `npx tsup` in packages/cli).
 */
export const CLI_BIN = join(
  dirname(CLI_PACKAGE_JSON),
  (JSON.parse(readFileSync(CLI_PACKAGE_JSON, 'utf8')) as { bin: { latchkey: string } }).bin
    .latchkey,
);

/** What a finished `latchkey` run printed and exited with. */
export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A `latchkey` run in progress (a `login` waits for a person in the browser). */
export interface CliProcess {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Waits until stderr matches `pattern` and returns the match. */
  waitForStderr(pattern: RegExp, timeout?: number): Promise<RegExpMatchArray>;
  /** Resolves when it exits; kills it after `timeout` ms. */
  finished(timeout?: number): Promise<CliResult>;
}

export interface CliOptions {
  /** `HOME` for the run: the token file goes to `$HOME/.config/latchkey/token`. */
  home: string;
  /** More environment, such as `LATCHKEY_TOKEN`. */
  env?: Record<string, string>;
}

/**
 * Starts `node <CLI_BIN> ...args` with a clean environment: `HOME` set to a
 * folder of the test's, and no `DISPLAY`, `WAYLAND_DISPLAY`, `XDG_CONFIG_HOME`,
 * `LATCHKEY_TOKEN` or `LATCHKEY_BASE_URL` from the machine running the tests.
 * stdout is a pipe, not a terminal, so the CLI never opens a browser by itself
 * (it does so only when interactive and a desktop is there); tests pass
 * `--no-browser` as well.
 *
 * @example
 * const login = startCli(['login', '--base-url', demo.url, '--no-browser'], { home });
 * const [link] = await login.waitForStderr(/http\S+\/device\?user_code=\S+/);
 */
export function startCli(args: readonly string[], { home, env = {} }: CliOptions): CliProcess {
  if (!existsSync(CLI_BIN))
    throw new Error(`${CLI_BIN} is missing: build the CLI first (cd packages/cli && npx tsup)`);
  const child = spawn(process.execPath, [CLI_BIN, ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: home, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const listeners = new Set<() => void>();
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    for (const listener of [...listeners]) listener();
  });
  // 'close', not 'exit': it comes once stdout and stderr are drained too.
  const closed = new Promise<number | null>((resolve) => {
    child.once('close', (code) => resolve(code));
    child.once('error', () => resolve(null));
  });

  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    waitForStderr(pattern, timeout = 15_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = stderr.match(pattern);
          if (!match) return;
          done();
          resolve(match);
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`latchkey printed no ${pattern} within ${timeout} ms:\n${stderr}`));
        }, timeout);
        const onClose = () => {
          done();
          reject(new Error(`latchkey exited before printing ${pattern}:\n${stderr}`));
        };
        const done = () => {
          clearTimeout(timer);
          listeners.delete(check);
          child.off('close', onClose);
        };
        listeners.add(check);
        child.once('close', onClose);
        check();
      });
    },
    async finished(timeout = 30_000) {
      const timer = setTimeout(() => child.kill('SIGKILL'), timeout);
      try {
        const code = await closed;
        return { code, stdout, stderr };
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
