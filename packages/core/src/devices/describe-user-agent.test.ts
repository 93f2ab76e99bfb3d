import { describe, expect, it } from 'vitest';
import { defaultPasskeyName, describeUserAgent } from './describe-user-agent.js';

type Row = readonly [
  what: string,
  userAgent: string,
  browser: string,
  os: string,
  deviceType: 'desktop' | 'mobile' | 'tablet' | 'unknown',
  name: string,
];

// User-Agent strings as browsers send them (Chrome and Edge send the "reduced" form with
// a frozen `Android 10; K` and `Intel Mac OS X 10_15_7`).
const TABLE: readonly Row[] = [
  [
    'Chrome on macOS',
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
    'Chrome',
    'macOS',
    'desktop',
    'Chrome on macOS',
  ],
  [
    'Chrome on Windows',
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
    'Chrome',
    'Windows',
    'desktop',
    'Chrome on Windows',
  ],
  [
    'Brave, which sends Chrome’s User-Agent',
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
    'Chrome',
    'macOS',
    'desktop',
    'Chrome on macOS',
  ],
  [
    'Chrome on Linux',
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
    'Chrome',
    'Linux',
    'desktop',
    'Chrome on Linux',
  ],
  [
    'Chrome on ChromeOS',
    'Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
    'Chrome',
    'ChromeOS',
    'desktop',
    'Chrome on ChromeOS',
  ],
  [
    'Chrome on an Android phone',
    'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36',
    'Chrome',
    'Android',
    'mobile',
    'Chrome on Android',
  ],
  [
    'Chrome on an Android tablet (no "Mobile")',
    'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
    'Chrome',
    'Android',
    'tablet',
    'Chrome on Android',
  ],
  [
    'Edge on Windows',
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.80',
    'Edge',
    'Windows',
    'desktop',
    'Edge on Windows',
  ],
  [
    'legacy EdgeHTML Edge',
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/70.0.3538.102 Safari/537.36 Edge/18.19045',
    'Edge',
    'Windows',
    'desktop',
    'Edge on Windows',
  ],
  [
    'Edge on Android',
    'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36 EdgA/124.0.2478.64',
    'Edge',
    'Android',
    'mobile',
    'Edge on Android',
  ],
  [
    'Edge on iPhone',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 EdgiOS/124.0.2478.71 Mobile/15E148 Safari/605.1.15',
    'Edge',
    'iOS',
    'mobile',
    'Edge on iPhone',
  ],
  [
    'Edge on macOS',
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.80',
    'Edge',
    'macOS',
    'desktop',
    'Edge on macOS',
  ],
  [
    'Edge on Windows Phone (it also says Android)',
    'Mozilla/5.0 (Windows Phone 10.0; Android 6.0.1; Microsoft; Lumia 950) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/52.0.2743.116 Mobile Safari/537.36 Edge/15.15063',
    'Edge',
    'Windows Phone',
    'mobile',
    'Edge on Windows Phone',
  ],
  [
    // Microsoft's documented User-Agent of Windows Phone 8's browser in desktop mode.
    'Internet Explorer on Windows Phone in desktop mode (it says "Windows NT")',
    'Mozilla/5.0 (compatible; MSIE 10.0; Windows NT 6.2; ARM; Trident/6.0; Touch; WPDesktop)',
    'Internet Explorer',
    'Windows Phone',
    'mobile',
    'Internet Explorer on Windows Phone',
  ],
  [
    'Internet Explorer 11 on Windows (no "MSIE")',
    'Mozilla/5.0 (Windows NT 10.0; WOW64; Trident/7.0; rv:11.0) like Gecko',
    'Internet Explorer',
    'Windows',
    'desktop',
    'Internet Explorer on Windows',
  ],
  [
    'Internet Explorer on Windows Phone (it also says "like iPhone OS")',
    'Mozilla/5.0 (Mobile; Windows Phone 8.1; Android 4.0; ARM; Trident/7.0; Touch; rv:11.0; IEMobile/11.0; NOKIA; Lumia 635) like iPhone OS 7_0_3 Mac OS X AppleWebKit/537 (KHTML, like Gecko) Mobile Safari/537',
    'Internet Explorer',
    'Windows Phone',
    'mobile',
    'Internet Explorer on Windows Phone',
  ],
  [
    'Firefox on Windows',
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0',
    'Firefox',
    'Windows',
    'desktop',
    'Firefox on Windows',
  ],
  [
    'Firefox on Ubuntu',
    'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0',
    'Firefox',
    'Linux',
    'desktop',
    'Firefox on Linux',
  ],
  [
    'Firefox on macOS',
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:125.0) Gecko/20100101 Firefox/125.0',
    'Firefox',
    'macOS',
    'desktop',
    'Firefox on macOS',
  ],
  [
    'Firefox on an Android phone',
    'Mozilla/5.0 (Android 14; Mobile; rv:125.0) Gecko/125.0 Firefox/125.0',
    'Firefox',
    'Android',
    'mobile',
    'Firefox on Android',
  ],
  [
    'Firefox on an Android tablet',
    'Mozilla/5.0 (Android 14; Tablet; rv:125.0) Gecko/125.0 Firefox/125.0',
    'Firefox',
    'Android',
    'tablet',
    'Firefox on Android',
  ],
  [
    'Firefox on iPhone (FxiOS)',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) FxiOS/125.0 Mobile/15E148 Safari/605.1.15',
    'Firefox',
    'iOS',
    'mobile',
    'Firefox on iPhone',
  ],
  [
    'Firefox on iPad (FxiOS)',
    'Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) FxiOS/125.0 Mobile/15E148 Safari/605.1.15',
    'Firefox',
    'iPadOS',
    'tablet',
    'Firefox on iPad',
  ],
  [
    'Safari on macOS',
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Safari/605.1.15',
    'Safari',
    'macOS',
    'desktop',
    'Safari on macOS',
  ],
  [
    'Safari on iPhone',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Mobile/15E148 Safari/604.1',
    'Safari',
    'iOS',
    'mobile',
    'Safari on iPhone',
  ],
  [
    'Safari on iPad asking for the mobile site',
    'Mozilla/5.0 (iPad; CPU OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Mobile/15E148 Safari/604.1',
    'Safari',
    'iPadOS',
    'tablet',
    'Safari on iPad',
  ],
  [
    // Byte for byte what Safari on a Mac sends: without client hints or touch data, which
    // a User-Agent does not carry, it cannot be told apart, and reads as a Mac.
    'iPadOS Safari in its default desktop mode',
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15',
    'Safari',
    'macOS',
    'desktop',
    'Safari on macOS',
  ],
  [
    'Chrome on iPhone (CriOS)',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/124.0.6367.88 Mobile/15E148 Safari/604.1',
    'Chrome',
    'iOS',
    'mobile',
    'Chrome on iPhone',
  ],
  [
    'Chrome on iPad (CriOS)',
    'Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/124.0.6367.88 Mobile/15E148 Safari/604.1',
    'Chrome',
    'iPadOS',
    'tablet',
    'Chrome on iPad',
  ],
  [
    'Samsung Internet on a Galaxy phone',
    'Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36',
    'Samsung Internet',
    'Android',
    'mobile',
    'Samsung Internet on Android',
  ],
  [
    'Samsung Internet on a Galaxy Tab',
    'Mozilla/5.0 (Linux; Android 13; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/24.0 Chrome/117.0.0.0 Safari/537.36',
    'Samsung Internet',
    'Android',
    'tablet',
    'Samsung Internet on Android',
  ],
  [
    'Samsung Internet in desktop mode (an X11 User-Agent)',
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/28.0 Chrome/130.0.0.0 Safari/537.36',
    'Samsung Internet',
    'Android',
    'tablet',
    'Samsung Internet on Android',
  ],
  [
    'Opera on Windows',
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 OPR/110.0.0.0',
    'Opera',
    'Windows',
    'desktop',
    'Opera on Windows',
  ],
  [
    'Opera on Android',
    'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36 OPR/82.0.4227.77201',
    'Opera',
    'Android',
    'mobile',
    'Opera on Android',
  ],
  [
    'Yandex Browser on Windows',
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 YaBrowser/24.4.0.0 Safari/537.36',
    'Yandex Browser',
    'Windows',
    'desktop',
    'Yandex Browser on Windows',
  ],
  [
    'DuckDuckGo on iPhone',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 DuckDuckGo/7 Safari/605.1.15',
    'DuckDuckGo',
    'iOS',
    'mobile',
    'DuckDuckGo on iPhone',
  ],
  [
    'Android System WebView',
    'Mozilla/5.0 (Linux; Android 14; Pixel 8 Build/AP2A.240805.005; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/127.0.6533.103 Mobile Safari/537.36',
    'Android WebView',
    'Android',
    'mobile',
    'Android WebView on Android',
  ],
  [
    'Ubuntu’s Chromium',
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Ubuntu Chromium/83.0.4103.61 Chrome/83.0.4103.61 Safari/537.36',
    'Chromium',
    'Linux',
    'desktop',
    'Chromium on Linux',
  ],
  [
    // What /usr/bin/chromium reports under Playwright in this repository's end-to-end runs.
    'headless Chromium',
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36',
    'Headless Chrome',
    'Linux',
    'desktop',
    'Headless Chrome on Linux',
  ],
  [
    'an iOS in-app web view (no browser token)',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148',
    'Unknown',
    'iOS',
    'mobile',
    'iPhone',
  ],
  [
    // An in-app browser in desktop mode: the Mac User-Agent, plus the model in the app's suffix.
    'an in-app browser on an iPad, naming the model (iPad13,10)',
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/460.0.0.38.108;FBDV/iPad13,10;FBSN/iPadOS;FBSV/17.4;FBSS/2;FBID/tablet;FBLC/en_GB;FBOP/5]',
    'Unknown',
    'iPadOS',
    'tablet',
    'iPad',
  ],
  ['curl', 'curl/8.5.0', 'curl', 'Unknown', 'unknown', 'curl'],
  ['a bare "Mozilla/5.0"', 'Mozilla/5.0', 'Unknown', 'Unknown', 'unknown', 'Passkey'],
  [
    'an unknown browser on an unknown system',
    'SomeBrowser/1.0 (SomeOS)',
    'Unknown',
    'Unknown',
    'unknown',
    'Passkey',
  ],
  ['an empty header', '', 'Unknown', 'Unknown', 'unknown', 'Passkey'],
];

describe('describeUserAgent', () => {
  it.each(TABLE)('reads %s', (_what, userAgent, browser, os, deviceType) => {
    expect(describeUserAgent(userAgent)).toStrictEqual({ browser, os, deviceType });
  });

  it('describes a missing header as unknown', () => {
    const unknown = { browser: 'Unknown', os: 'Unknown', deviceType: 'unknown' };
    expect(describeUserAgent(null)).toStrictEqual(unknown);
    expect(describeUserAgent(undefined)).toStrictEqual(unknown);
  });

  it('reads only the first 512 characters', () => {
    const padding = 'x'.repeat(512);
    expect(describeUserAgent(`${padding} (iPhone) Firefox/125.0`)).toStrictEqual({
      browser: 'Unknown',
      os: 'Unknown',
      deviceType: 'unknown',
    });
    const firefox =
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0';
    expect(describeUserAgent(`${firefox} ${padding}`)).toStrictEqual({
      browser: 'Firefox',
      os: 'Windows',
      deviceType: 'desktop',
    });
  });

  it('stays fast on a hostile megabyte-long header', () => {
    // Without the cap, each call would scan a million characters with every pattern.
    const hostile = `Mozilla/5.0 (${'Mobile; Mac OS X; '.repeat(60_000)}`;
    const started = performance.now();
    for (let i = 0; i < 1_000; i++) describeUserAgent(hostile);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(describeUserAgent(hostile)).toStrictEqual({
      browser: 'Unknown',
      os: 'macOS',
      deviceType: 'desktop',
    });
  });

  it('throws a TypeError for a value that is not a header', () => {
    expect(() => describeUserAgent(42 as unknown as string)).toThrow(TypeError);
    expect(() => defaultPasskeyName({} as unknown as string)).toThrow(TypeError);
  });
});

describe('defaultPasskeyName', () => {
  it.each(TABLE)('names a passkey made with %s', (_what, userAgent, _b, _o, _d, name) => {
    expect(defaultPasskeyName(userAgent)).toBe(name);
  });

  it('names a passkey made without a User-Agent "Passkey"', () => {
    expect(defaultPasskeyName(null)).toBe('Passkey');
    expect(defaultPasskeyName(undefined)).toBe('Passkey');
  });

  it('fits the 64-character passkey name limit for every row', () => {
    for (const [, userAgent] of TABLE) {
      expect(defaultPasskeyName(userAgent).length).toBeLessThanOrEqual(64);
    }
  });
});
