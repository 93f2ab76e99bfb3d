import { spawn } from 'node:child_process';
import { homedir, hostname } from 'node:os';

/** Everything the CLI touches outside itself, so a test can run it in-process too. */
export interface CliIo {
  env: Readonly<Record<string, string | undefined>>;
  stdout(text: string): void;
  stderr(text: string): void;
  /** stdout is a terminal: a person is watching (we may open a browser). */
  interactive: boolean;
  fetch: typeof fetch;
  sleep(ms: number): Promise<void>;
  /** Opens a URL in the person's browser; false when none is at hand. */
  openUrl(url: string): boolean;
  homedir: string;
  hostname: string;
}

/**
 * The real process: its streams, environment and a browser opener.
 *
 * @example
 * process.exitCode = await runCli(process.argv.slice(2), processIo());
 */
export function processIo(): CliIo {
  return {
    env: process.env,
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    interactive: process.stdout.isTTY === true,
    fetch: (...args) => globalThis.fetch(...args),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    openUrl: (url) => openInBrowser(url, process.env, process.platform),
    homedir: homedir(),
    hostname: hostname(),
  };
}

/**
 * Opens `url` with the platform's opener (`open`, `xdg-open`, `start`) when a
 * desktop is there to show it; never waits for it and never fails loudly.
 *
 * @example
 * openInBrowser('https://app.example/device?user_code=ABCD-EFGH', process.env, process.platform);
 */
export function openInBrowser(
  url: string,
  env: Readonly<Record<string, string | undefined>>,
  platform: NodeJS.Platform,
): boolean {
  if (!/^https?:\/\//.test(url)) return false;
  let command: string;
  let args: string[];
  if (platform === 'darwin') [command, args] = ['open', [url]];
  else if (platform === 'win32')
    [command, args] = ['cmd', ['/c', 'start', '""', url.replace(/&/g, '^&')]];
  else if (env.DISPLAY || env.WAYLAND_DISPLAY) [command, args] = ['xdg-open', [url]];
  else return false; // a server over SSH: print the link only
  try {
    const child = spawn(command, args, { stdio: 'ignore', detached: true });
    child.on('error', () => {});
    child.unref();
    return true;
  } catch {
    return false;
  }
}
