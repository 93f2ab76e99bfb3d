// Device names for people, read from a User-Agent: the server names sessions and passkeys
// with it, the React kit names the passkey it is about to make. One parser, so both give the
// same answer for the same browser.
import type { DeviceDescription } from '../schemas/account.js';

/**
 * How much of a User-Agent is read. Real ones are 100–300 characters; the header is
 * attacker-controlled, so the work done on it is bounded by this cap and every pattern
 * below is a plain token match (no nested or adjacent unbounded quantifiers).
 */
const MAX_USER_AGENT_CHARS = 512;

const UNKNOWN = 'Unknown';

/** The name of a passkey made by a User-Agent that says nothing useful. */
const NAMELESS = 'Passkey';

type DeviceType = DeviceDescription['deviceType'];

interface ParsedUserAgent extends DeviceDescription {
  /** What a person calls the device in "Safari on iPhone". */
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
  [/\bIEMobile\/|\bMSIE \d|\bTrident\//, 'Internet Explorer'],
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

/**
 * First match wins: iOS and iPadOS say "like Mac OS X", Android says "Linux", and Windows
 * Phone says "Android" and "like iPhone OS", so it comes first; in its desktop mode it
 * says "Windows NT" and only `WPDesktop` gives it away. Apple devices may carry
 * their model identifier (`iPad13,10`, `iPhone15,2` in apps' User-Agents), hence no word
 * boundary after the name, only no further letter.
 */
const PLATFORMS: ReadonlyArray<
  readonly [pattern: RegExp, os: string, deviceType: DeviceType, label?: string]
> = [
  [/\bWindows Phone\b|\bWPDesktop\b/, 'Windows Phone', 'mobile'],
  [/\biPad(?![A-Za-z])/, 'iPadOS', 'tablet', 'iPad'],
  [/\biPhone(?![A-Za-z])/, 'iOS', 'mobile', 'iPhone'],
  [/\biPod(?![A-Za-z])/, 'iOS', 'mobile', 'iPod touch'],
  // Chrome and Samsung Internet drop "Mobile" on tablets; Firefox says "Tablet".
  [/\bAndroid\b/, 'Android', 'tablet'],
  [/\bCrOS\b/, 'ChromeOS', 'desktop'],
  [/\bWindows\b/, 'Windows', 'desktop'],
  [/\bMacintosh\b|\bMac OS X\b/, 'macOS', 'desktop'],
  [/\bFreeBSD\b/, 'FreeBSD', 'desktop'],
  [/\bOpenBSD\b/, 'OpenBSD', 'desktop'],
  [/\bLinux\b|\bX11\b/, 'Linux', 'desktop'],
];

function parseUserAgent(userAgent: string | null | undefined): ParsedUserAgent {
  if (userAgent !== null && userAgent !== undefined && typeof userAgent !== 'string') {
    throw new TypeError('describeUserAgent: userAgent must be a string, null or undefined');
  }
  const ua = (userAgent ?? '').slice(0, MAX_USER_AGENT_CHARS);

  // Safari has no token of its own: it is WebKit's `Safari/` plus a `Version/`, with
  // none of the brands above (an iOS in-app web view has neither and stays unknown).
  const browser =
    BROWSERS.find(([pattern]) => pattern.test(ua))?.[1] ??
    (/\bVersion\//.test(ua) && /\bSafari\//.test(ua) ? 'Safari' : UNKNOWN);

  let [, os, deviceType, label = os] = PLATFORMS.find(([pattern]) => pattern.test(ua)) ?? [
    null,
    UNKNOWN,
    'unknown',
  ];
  // Samsung Internet only ships on Android; in "desktop mode" it sends an X11 Linux
  // User-Agent, which in practice means an Android tablet.
  if (browser === 'Samsung Internet' && os === 'Linux') os = label = 'Android';
  if (os === 'Android') {
    deviceType = /\bMobile\b/.test(ua) && !/\bTablet\b/.test(ua) ? 'mobile' : 'tablet';
  }
  return { browser, os, deviceType, label };
}

/**
 * Reads the browser, operating system and form factor from a User-Agent header, for
 * session lists and default passkey names. Only the first 512 characters are read. The
 * server and the React kit both call it, so a device has one name everywhere.
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
 * "Safari on iPhone" or "Samsung Internet on Android": the device as people call it
 * ("iPhone", "iPad"), not its operating system. Falls back to the browser or the device
 * alone when only one is known, and to `'Passkey'` when neither is.
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
 * defaultPasskeyName(null); // → 'Passkey'
 * ```
 */
export function defaultPasskeyName(userAgent: string | null | undefined): string {
  const { browser, label } = parseUserAgent(userAgent);
  if (browser !== UNKNOWN && label !== UNKNOWN) return `${browser} on ${label}`;
  if (browser !== UNKNOWN) return browser;
  return label === UNKNOWN ? NAMELESS : label;
}
