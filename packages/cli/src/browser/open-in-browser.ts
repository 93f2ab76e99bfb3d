import { spawn } from 'node:child_process';

/** A program and its arguments, run without a shell. */
export interface BrowserCommand {
  command: string;
  args: string[];
}

/**
 * The program that opens `url` in the person's browser on `platform`, or null
 * when there is none (not an http(s) URL, or no desktop: a server over SSH).
 * The URL is always one argument of its own and no shell ever reads it: on
 * Windows `cmd /c start` would parse `&`, `|`, `%VAR%` and `^` in a link a
 * server chose, so the link goes to `rundll32 url.dll,FileProtocolHandler`,
 * named by its full path so a `rundll32.exe` in the working folder is not the
 * one run.
 *
 * @example
 * browserCommand('https://app.example/device', 'win32', { SystemRoot: 'C:\\Windows' })
 * // { command: 'C:\\Windows\\System32\\rundll32.exe', args: ['url.dll,FileProtocolHandler', 'https://app.example/device'] }
 */
export function browserCommand(
  url: string,
  platform: NodeJS.Platform,
  env: Readonly<Record<string, string | undefined>>,
): BrowserCommand | null {
  let href: string;
  try {
    href = new URL(url).href;
  } catch {
    return null;
  }
  if (!/^https?:\/\//.test(href)) return null;
  if (platform === 'darwin') return { command: '/usr/bin/open', args: [href] };
  if (platform === 'win32') {
    const root = env.SystemRoot ?? env.SYSTEMROOT ?? 'C:\\Windows';
    return {
      command: `${root}\\System32\\rundll32.exe`,
      args: ['url.dll,FileProtocolHandler', href],
    };
  }
  if (env.DISPLAY || env.WAYLAND_DISPLAY) return { command: 'xdg-open', args: [href] };
  return null;
}

/**
 * Opens `url` with `browserCommand`'s program when a desktop is there to show
 * it; never waits for it and never fails loudly.
 *
 * @example
 * openInBrowser('https://app.example/device?user_code=ABCD-EFGH', process.env, process.platform);
 */
export function openInBrowser(
  url: string,
  env: Readonly<Record<string, string | undefined>>,
  platform: NodeJS.Platform,
): boolean {
  const opener = browserCommand(url, platform, env);
  if (!opener) return false;
  try {
    const child = spawn(opener.command, opener.args, {
      stdio: 'ignore',
      detached: true,
      shell: false,
      windowsHide: true,
    });
    child.on('error', () => {});
    child.unref();
    return true;
  } catch {
    return false;
  }
}
