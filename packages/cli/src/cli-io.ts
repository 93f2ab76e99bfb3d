import { homedir, hostname } from 'node:os';
import { openInBrowser } from './browser/open-in-browser.js';

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
