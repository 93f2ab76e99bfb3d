import { describe, expect, it } from 'vitest';
import { defaultPasskeyName, describeUserAgent } from './describe-user-agent.js';

const UA = {
  chromeMac:
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  safariIphone:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
  edgeWindows:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.2903.86',
  firefoxLinux: 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
  chromeAndroid:
    'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
  samsungTablet:
    'Mozilla/5.0 (Linux; Android 13; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Safari/537.36',
  chromeIpad:
    'Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/120.0.6099.119 Mobile/15E148 Safari/604.1',
  chromebook:
    'Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
};

describe('describeUserAgent', () => {
  it.each([
    [UA.chromeMac, { browser: 'Chrome', os: 'macOS', deviceType: 'desktop' }],
    [UA.safariIphone, { browser: 'Safari', os: 'iOS', deviceType: 'mobile' }],
    [UA.edgeWindows, { browser: 'Edge', os: 'Windows', deviceType: 'desktop' }],
    [UA.firefoxLinux, { browser: 'Firefox', os: 'Linux', deviceType: 'desktop' }],
    [UA.chromeAndroid, { browser: 'Chrome', os: 'Android', deviceType: 'mobile' }],
    [UA.samsungTablet, { browser: 'Samsung Internet', os: 'Android', deviceType: 'tablet' }],
    [UA.chromeIpad, { browser: 'Chrome', os: 'iPadOS', deviceType: 'tablet' }],
    [UA.chromebook, { browser: 'Chrome', os: 'ChromeOS', deviceType: 'desktop' }],
    ['curl/8.5.0', { browser: 'Unknown', os: 'Unknown', deviceType: 'unknown' }],
  ])('reads %s', (ua, expected) => {
    expect(describeUserAgent(ua)).toEqual(expected);
  });
});

describe('defaultPasskeyName', () => {
  it('names the browser and the system', () => {
    expect(defaultPasskeyName(UA.chromeMac)).toBe('Chrome on macOS');
    expect(defaultPasskeyName(UA.safariIphone)).toBe('Safari on iOS');
    expect(defaultPasskeyName(UA.edgeWindows)).toBe('Edge on Windows');
  });

  it('falls back to what it knows', () => {
    expect(defaultPasskeyName('Mozilla/5.0 (Windows NT 10.0) SomeBrowser/1')).toBe('Windows');
    expect(defaultPasskeyName('curl/8.5.0')).toBe('Passkey');
    expect(defaultPasskeyName('')).toBe('Passkey');
  });

  it('reads navigator.userAgent by default', () => {
    expect(defaultPasskeyName()).toBe(defaultPasskeyName(navigator.userAgent));
  });
});
