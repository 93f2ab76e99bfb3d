import { describe, expect, it } from 'vitest';
import { browserCommand } from './open-in-browser.js';

/** A link a server chose, with what a shell would act on. */
const LINK = 'https://app.example/device?user_code=AB&x=%PATH%|calc^"q"';

describe('browserCommand', () => {
  it('cli: opens links on Windows without a shell', () => {
    const opener = browserCommand(LINK, 'win32', { SystemRoot: 'D:\\Win' });
    expect(opener).toEqual({
      command: 'D:\\Win\\System32\\rundll32.exe',
      args: ['url.dll,FileProtocolHandler', new URL(LINK).href],
    });
    // The link stays one argument, percent-encoded where a URL must be.
    expect(opener?.args[1]).toBe('https://app.example/device?user_code=AB&x=%PATH%|calc^%22q%22');
    expect(browserCommand(LINK, 'win32', {})?.command).toBe('C:\\Windows\\System32\\rundll32.exe');
  });

  it('runs open on macOS, xdg-open on a Linux desktop, and nothing without one', () => {
    const href = new URL(LINK).href;
    expect(browserCommand(LINK, 'darwin', {})).toEqual({ command: '/usr/bin/open', args: [href] });
    expect(browserCommand(LINK, 'linux', { DISPLAY: ':0' })).toEqual({
      command: 'xdg-open',
      args: [href],
    });
    expect(browserCommand(LINK, 'freebsd', { WAYLAND_DISPLAY: 'wayland-0' })?.command).toBe(
      'xdg-open',
    );
    expect(browserCommand(LINK, 'linux', {})).toBeNull();
  });

  it('opens nothing but http(s) URLs', () => {
    for (const url of ['file:///etc/passwd', 'ms-msdt:/id', 'javascript:alert(1)', 'not a url'])
      for (const platform of ['win32', 'darwin', 'linux'] as const)
        expect(browserCommand(url, platform, { DISPLAY: ':0' })).toBeNull();
  });
});
