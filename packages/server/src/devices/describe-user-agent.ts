import type { DeviceDescription } from '@latchkey/core';

/**
 * How much of a User-Agent is read. Real ones are 100–300 characters; the header is
 * attacker-controlled, so the work done on it is bounded by this cap and every pattern
 * below is a plain token match (no nested or adjacent unbounded quantifiers).
 */
const MAX_USER_AGENT_CHARS = 512;

const UNKNOWN = 'Unknown';

type DeviceType = DeviceDescription['deviceType'];

interface Platform {
  os: string;
  deviceType: DeviceType;
  /** What a person calls the device in "Safari on iPhone". */
  label: string;
}

interface ParsedUserAgent extends DeviceDescription {
  label: string;
}

/**
 * First match wins. Browsers built on Chromium, Gecko or WebKit keep the engine's tokens
 * and add their own (`Edg/`, `OPR/`, `SamsungBrowser/`, `CriOS/`…), so brands come before
 * the engines they build on. Brave sends Chrome's exact User-Agent and is named Chrome.
 */
const BROWSERS: ReadonlyArray<readonly [RegExp, string]> = [
  [/^curl\//, 'curl'],
  [/^Wget\//, 'Wget'],
  [/\bEdg(?:e|A|iOS)?\//, 'Edge'],
  [/\bOPR\/|\bOPT\/|\bOPiOS\/|\bOpera\b/, 'Opera'],
  [/\bSamsungBrowser\//, 'Samsung Internet'],
  [/\bYaBrowser\//, 'Yandex Browser'],
  [/\bVivaldi\//, 'Vivaldi'],
  [/\bDuckDuckGo\/|\bDdg\//, 'DuckDuckGo'],
  [/\bFxiOS\//, 'Firefox'],
  [/\bCriOS\//, 'Chrome'],
  [/\bHeadlessChrome\//, 'Headless Chrome'],
  [/\bFirefox\//, 'Firefox'],
  // Android's system WebView marks itself with `; wv)` and otherwise looks like Chrome.
  [/; wv\)/, 'Android WebView'],
  [/\bChromium\//, 'Chromium'],
  [/\bChrome\//, 'Chrome'],
];

/** First match wins: iOS and iPadOS say "like Mac OS X", Android says "Linux". */
const PLATFORMS: ReadonlyArray<readonly [RegExp, (ua: string) => Platform]> = [
  [/\biPad\b/, () => ({ os: 'iPadOS', deviceType: 'tablet', label: 'iPad' })],
  [/\biPhone\b/, () => ({ os: 'iOS', deviceType: 'mobile', label: 'iPhone' })],
  [/\biPod\b/, () => ({ os: 'iOS', deviceType: 'mobile', label: 'iPod touch' })],
  [
    /\bWindows Phone\b/,
    () => ({ os: 'Windows Phone', deviceType: 'mobile', label: 'Windows Phone' }),
  ],
  [
    /\bAndroid\b/,
    // Chrome and Samsung Internet drop "Mobile" on tablets; Firefox says "Tablet".
    (ua) => ({
      os: 'Android',
      deviceType: /\bMobile\b/.test(ua) && !/\bTablet\b/.test(ua) ? 'mobile' : 'tablet',
      label: 'Android',
    }),
  ],
  [/\bCrOS\b/, () => ({ os: 'ChromeOS', deviceType: 'desktop', label: 'ChromeOS' })],
  [/\bWindows\b/, () => ({ os: 'Windows', deviceType: 'desktop', label: 'Windows' })],
  [/\bMacintosh\b|\bMac OS X\b/, () => ({ os: 'macOS', deviceType: 'desktop', label: 'macOS' })],
  [/\bFreeBSD\b/, () => ({ os: 'FreeBSD', deviceType: 'desktop', label: 'FreeBSD' })],
  [/\bOpenBSD\b/, () => ({ os: 'OpenBSD', deviceType: 'desktop', label: 'OpenBSD' })],
  [/\bLinux\b|\bX11\b/, () => ({ os: 'Linux', deviceType: 'desktop', label: 'Linux' })],
];

const UNKNOWN_PLATFORM: Platform = { os: UNKNOWN, deviceType: 'unknown', label: UNKNOWN };

function parseUserAgent(userAgent: string | null | undefined): ParsedUserAgent {
  if (userAgent !== null && userAgent !== undefined && typeof userAgent !== 'string') {
    throw new TypeError('describeUserAgent: userAgent must be a string, null or undefined');
  }
  const ua = (userAgent ?? '').slice(0, MAX_USER_AGENT_CHARS);

  let browser = UNKNOWN;
  for (const [pattern, name] of BROWSERS) {
    if (pattern.test(ua)) {
      browser = name;
      break;
    }
  }
  // Safari has no token of its own: it is WebKit's `Safari/` plus a `Version/`, with
  // none of the brands above (an iOS in-app web view has neither and stays unknown).
  if (browser === UNKNOWN && /\bVersion\//.test(ua) && /\bSafari\//.test(ua)) {
    browser = 'Safari';
  }

  let platform = UNKNOWN_PLATFORM;
  for (const [pattern, describe] of PLATFORMS) {
    if (pattern.test(ua)) {
      platform = describe(ua);
      break;
    }
  }
  // Samsung Internet only ships on Android; in "desktop mode" it sends an X11 Linux
  // User-Agent, which in practice means an Android tablet.
  if (browser === 'Samsung Internet' && platform.os === 'Linux') {
    platform = { os: 'Android', deviceType: 'tablet', label: 'Android' };
  }

  return { browser, os: platform.os, deviceType: platform.deviceType, label: platform.label };
}

/**
 * Reads the browser, operating system and form factor from a User-Agent header, for
 * session lists and default passkey names. Only the first 512 characters are read.
 *
 * A User-Agent is a claim, not evidence: use this to label things for people, never to
 * decide anything. Some devices cannot be told apart: iPadOS Safari asks for the desktop
 * site by default and sends the same User-Agent as Safari on a Mac, so it reads as macOS.
 *
 * @param userAgent - the `User-Agent` header; `null` or `undefined` when absent.
 * @returns `browser` and `os` from a fixed vocabulary (`'Unknown'` when not recognised)
 *   and a `deviceType`.
 * @throws {TypeError} when `userAgent` is neither a string, `null` nor `undefined`.
 *
 * @example
 * ```ts
 * describeUserAgent(
 *   'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
 * );
 * // → { browser: 'Safari', os: 'iOS', deviceType: 'mobile' }
 * describeUserAgent(null);
 * // → { browser: 'Unknown', os: 'Unknown', deviceType: 'unknown' }
 * ```
 */
export function describeUserAgent(userAgent: string | null | undefined): DeviceDescription {
  const { browser, os, deviceType } = parseUserAgent(userAgent);
  return { browser, os, deviceType };
}

/**
 * A readable name for a passkey made from this User-Agent, such as "Chrome on macOS",
 * "Safari on iPhone" or "Samsung Internet on Android". Falls back to the browser or the
 * device alone when only one is known, and to `'Unknown'` when neither is.
 *
 * @param userAgent - the `User-Agent` header; `null` or `undefined` when absent.
 * @returns at most 40 characters, from a fixed vocabulary.
 * @throws {TypeError} when `userAgent` is neither a string, `null` nor `undefined`.
 *
 * @example
 * ```ts
 * defaultPasskeyName(
 *   'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
 * );
 * // → 'Chrome on macOS'
 * defaultPasskeyName('curl/8.5.0'); // → 'curl'
 * ```
 */
export function defaultPasskeyName(userAgent: string | null | undefined): string {
  const { browser, label } = parseUserAgent(userAgent);
  if (browser !== UNKNOWN && label !== UNKNOWN) return `${browser} on ${label}`;
  if (browser !== UNKNOWN) return browser;
  return label;
}
