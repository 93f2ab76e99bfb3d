'use client';
import type { DeviceDescription } from '@latchkey/core';

// Order matters: Edge, Opera and Samsung Internet also say "Chrome"; Chrome also says "Safari".
const BROWSERS: ReadonlyArray<readonly [RegExp, string]> = [
  [/Edg(e|A|iOS)?\//, 'Edge'],
  [/OPR\/|Opera/, 'Opera'],
  [/SamsungBrowser\//, 'Samsung Internet'],
  [/Firefox\/|FxiOS\//, 'Firefox'],
  [/Chrome\/|CriOS\//, 'Chrome'],
  [/Safari\//, 'Safari'],
];

const SYSTEMS: ReadonlyArray<readonly [RegExp, string]> = [
  [/iPad/, 'iPadOS'],
  [/iPhone|iPod/, 'iOS'],
  [/Android/, 'Android'],
  [/CrOS/, 'ChromeOS'],
  [/Windows/, 'Windows'],
  [/Mac OS X|Macintosh/, 'macOS'],
  [/Linux/, 'Linux'],
];

/**
 * Reads a browser, an operating system and a form factor from a User-Agent
 * string; `Unknown` parts when it cannot tell. It describes, it does not
 * authenticate: nothing security-relevant may depend on it.
 *
 * @example
 * describeUserAgent('Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36')
 * // { browser: 'Chrome', os: 'macOS', deviceType: 'desktop' }
 */
export function describeUserAgent(userAgent: string): DeviceDescription {
  const browser = BROWSERS.find(([re]) => re.test(userAgent))?.[1] ?? 'Unknown';
  const os = SYSTEMS.find(([re]) => re.test(userAgent))?.[1] ?? 'Unknown';
  const deviceType =
    os === 'iPadOS' || /Tablet/.test(userAgent) || (os === 'Android' && !/Mobile/.test(userAgent))
      ? 'tablet'
      : /Mobi|iPhone/.test(userAgent)
        ? 'mobile'
        : os === 'Unknown'
          ? 'unknown'
          : 'desktop';
  return { browser, os, deviceType };
}

/**
 * A default name for a passkey made in this browser: "Chrome on macOS", or
 * "Passkey" when the User-Agent says nothing useful (or there is none, as on a
 * server).
 *
 * @example
 * defaultPasskeyName('Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1')
 * // 'Safari on iOS'
 */
export function defaultPasskeyName(userAgent = globalThis.navigator?.userAgent ?? ''): string {
  const { browser, os } = describeUserAgent(userAgent);
  if (browser === 'Unknown' && os === 'Unknown') return 'Passkey';
  if (browser === 'Unknown') return os;
  if (os === 'Unknown') return browser;
  return `${browser} on ${os}`;
}
