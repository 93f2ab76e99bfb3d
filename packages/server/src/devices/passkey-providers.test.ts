import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { passkeyProvider, passkeyProviderName } from './passkey-providers.js';

const VENDORED_PATH = fileURLToPath(new URL('./aaguids.json', import.meta.url));
const SCRIPT_PATH = fileURLToPath(new URL('../../scripts/refresh-aaguids.mjs', import.meta.url));
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ZERO = '00000000-0000-0000-0000-000000000000';
const SVG_DATA_URI = 'data:image/svg+xml;base64,';

const GOOGLE = 'ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4';
const APPLE = 'fbfc3007-154e-4ecc-8c0b-6e020557d7bd';
const WINDOWS_HELLO = '08987058-cadc-4b81-b6e1-30de50dcbe96';
const ONE_PASSWORD = 'bada5566-a7aa-401f-bd96-45619a55120d';

const CHROME_MAC =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';
const SAFARI_IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Mobile/15E148 Safari/604.1';

const vendoredText = readFileSync(VENDORED_PATH, 'utf8');
const vendored = JSON.parse(vendoredText) as Record<string, Record<string, unknown>>;

function decodeSvg(icon: string): string {
  return Buffer.from(icon.slice(SVG_DATA_URI.length), 'base64').toString('utf8');
}

describe('passkeyProvider', () => {
  it.each([
    [GOOGLE, 'Google Password Manager'],
    // Upstream renamed "iCloud Keychain" to "Apple Passwords" with iOS 18 and macOS 15.
    [APPLE, 'Apple Passwords'],
    ['dd4ec289-e01d-41c9-bb89-70fa845d4bf2', 'iCloud Keychain (Managed)'],
    [WINDOWS_HELLO, 'Windows Hello'],
    ['9ddd1817-af5a-4672-a2b9-3e3dd95000a9', 'Windows Hello'],
    [ONE_PASSWORD, '1Password'],
    ['d548826e-79b4-db40-a3d8-11116f7e8349', 'Bitwarden'],
    ['adce0002-35bc-c60a-648b-0b25f1f05503', 'Chrome on Mac'],
    ['d3452668-01fd-4c12-926c-83a4204853aa', 'Microsoft Password Manager'],
    ['fdb141b2-5d84-443e-8a35-4698c205a502', 'KeePassXC'],
    ['50726f74-6f6e-5061-7373-50726f746f6e', 'Proton Pass'],
  ])('names %s "%s", with its SVG icon', (aaguid, name) => {
    const provider = passkeyProvider(aaguid);
    expect(provider?.name).toBe(name);
    expect(provider?.icon?.startsWith(SVG_DATA_URI)).toBe(true);
  });

  it('gives a dark icon where the list has one that differs', () => {
    const onePassword = passkeyProvider(ONE_PASSWORD);
    expect(onePassword?.iconDark?.startsWith(SVG_DATA_URI)).toBe(true);
    expect(onePassword?.iconDark).not.toBe(onePassword?.icon);
    // Google's icon is the same on both backgrounds: no second copy.
    expect(passkeyProvider('ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4')?.iconDark).toBeUndefined();
  });

  it.each([
    ['65c97700-f5ef-4d5c-8a42-f30e45ac94b7', 'Royal Vault'],
    ['5ca471bb-a56d-46ad-a496-67e70e9ed9fb', 'Parcel'],
    ['45e3057e-b2f9-48ed-912f-9b901e153b16', 'Uniqkey'],
  ])('knows %s, "%s", added to the list in 2026', (aaguid, name) => {
    expect(passkeyProviderName(aaguid, SAFARI_IPHONE)).toBe(name);
  });

  it('names providers whose icon was not kept, without an icon', () => {
    // Samsung Pass's upstream icon is an 18 kB wordmark, over the 10 000-character cap.
    expect(passkeyProvider('53414d53-554e-4700-0000-000000000000')).toStrictEqual({
      name: 'Samsung Pass',
    });
    expect(passkeyProvider('eaecdef2-1c31-5634-8639-f1cbd9c00a08')).toStrictEqual({
      name: 'KeePassDX',
    });
  });

  it('ignores the letter case of the AAGUID', () => {
    expect(passkeyProvider(GOOGLE.toUpperCase())).toStrictEqual(passkeyProvider(GOOGLE));
    expect(passkeyProvider('BADA5566-a7aa-401F-BD96-45619a55120D')?.name).toBe('1Password');
  });

  it('knows nothing about the all-zero AAGUID', () => {
    expect(passkeyProvider(ZERO)).toBeNull();
  });

  it('returns null for an unlisted AAGUID and for strings that are not AAGUIDs', () => {
    expect(passkeyProvider('11111111-2222-3333-4444-555555555555')).toBeNull();
    expect(passkeyProvider('ea9b8d664d011d213ce4b6b48cb575d4')).toBeNull();
    expect(passkeyProvider(` ${GOOGLE}`)).toBeNull();
    expect(passkeyProvider('')).toBeNull();
    expect(passkeyProvider('__proto__')).toBeNull();
    expect(passkeyProvider('constructor')).toBeNull();
  });

  it('returns a fresh object the caller may change', () => {
    const first = passkeyProvider(ONE_PASSWORD);
    if (first === null) throw new Error('1Password is in the vendored list');
    first.name = 'changed';
    first.icon = undefined;
    expect(passkeyProvider(ONE_PASSWORD)?.name).toBe('1Password');
    expect(passkeyProvider(ONE_PASSWORD)?.icon?.startsWith(SVG_DATA_URI)).toBe(true);
  });

  it('throws a TypeError for an AAGUID that is not a string', () => {
    expect(() => passkeyProvider(null as unknown as string)).toThrow(TypeError);
    expect(() => passkeyProvider(new Uint8Array(16) as unknown as string)).toThrow(TypeError);
  });
});

describe('passkeyProviderName', () => {
  it('uses the provider name when the AAGUID is listed, whatever the User-Agent', () => {
    expect(passkeyProviderName(WINDOWS_HELLO, CHROME_MAC)).toBe('Windows Hello');
    expect(passkeyProviderName(ONE_PASSWORD, null)).toBe('1Password');
  });

  it('falls back to a name read from the User-Agent for the all-zero AAGUID', () => {
    expect(passkeyProviderName(ZERO, CHROME_MAC)).toBe('Chrome on macOS');
  });

  it('falls back to the User-Agent for an unlisted AAGUID', () => {
    expect(passkeyProviderName('11111111-2222-3333-4444-555555555555', SAFARI_IPHONE)).toBe(
      'Safari on iPhone',
    );
  });

  it('says "Passkey" when neither the AAGUID nor the User-Agent tells anything', () => {
    expect(passkeyProviderName(ZERO, null)).toBe('Passkey');
  });
});

describe('the vendored aaguids.json', () => {
  const entries = Object.entries(vendored);

  it('is a sorted, non-empty object keyed by lower-case AAGUIDs, without the zero one', () => {
    expect(entries.length).toBeGreaterThanOrEqual(40);
    const keys = entries.map(([key]) => key);
    for (const key of keys) expect(key).toMatch(UUID);
    expect(keys).not.toContain(ZERO);
    expect(keys).toStrictEqual([...keys].sort());
  });

  it('gives every provider a clean name of 1–128 characters and nothing else but icons', () => {
    for (const [aaguid, entry] of entries) {
      expect(
        Object.keys(entry).filter((k) => k !== 'name' && k !== 'icon' && k !== 'iconDark'),
        aaguid,
      ).toEqual([]);
      const name = entry.name;
      expect(typeof name, aaguid).toBe('string');
      const text = name as string;
      expect(text.length, aaguid).toBeGreaterThan(0);
      expect(text.length, aaguid).toBeLessThanOrEqual(128);
      expect(text, aaguid).toBe(text.trim());
      // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
      expect(text, aaguid).not.toMatch(/[\u0000-\u001f\u007f]/);
    }
  });

  it('keeps icons only as SVG data: URIs that decode to an <svg> under 10 000 characters', () => {
    let icons = 0;
    for (const [aaguid, entry] of entries) {
      if (entry.icon === undefined) continue;
      icons++;
      expect(typeof entry.icon, aaguid).toBe('string');
      const icon = entry.icon as string;
      expect(icon.startsWith('data:image/'), aaguid).toBe(true);
      expect(icon.startsWith(SVG_DATA_URI), aaguid).toBe(true);
      expect(icon.length, aaguid).toBeLessThanOrEqual(10_000);
      expect(icon.slice(SVG_DATA_URI.length), aaguid).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
      const svg = decodeSvg(icon);
      expect(svg, aaguid).toMatch(/<svg[\s>]/);
      expect(svg.trimEnd().endsWith('</svg>'), aaguid).toBe(true);
    }
    expect(icons).toBeGreaterThanOrEqual(10);
  });

  it('stays under its 150 KiB budget', () => {
    expect(Buffer.byteLength(vendoredText)).toBeLessThan(150 * 1024);
  });
});

describe('scripts/refresh-aaguids.mjs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-aaguids-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function refresh(upstream: unknown, name: string) {
    const input = join(dir, `${name}.upstream.json`);
    const out = join(dir, `${name}.out.json`);
    writeFileSync(input, JSON.stringify(upstream));
    const run = spawnSync(process.execPath, [SCRIPT_PATH, input, '--out', out], {
      encoding: 'utf8',
    });
    return { run, out };
  }

  it('trims an upstream-shaped list the documented way', () => {
    const svg = (fill: string) =>
      `${SVG_DATA_URI}${Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" fill="${fill}"></svg>`).toString('base64')}`;
    const { run, out } = refresh(
      {
        [GOOGLE.toUpperCase()]: {
          name: ' Google Password Manager ',
          icon_dark: svg('dark'),
          icon_light: svg('light'),
        },
        [ONE_PASSWORD]: { name: '1Password', icon_dark: svg('dark') },
        '53414d53-554e-4700-0000-000000000000': {
          name: 'Samsung Pass',
          icon_light: `${SVG_DATA_URI}${'A'.repeat(10_000)}`,
        },
        'eaecdef2-1c31-5634-8639-f1cbd9c00a08': { name: 'KeePassDX', icon_light: svg('light') },
        [ZERO]: { name: 'Zero' },
        'not-an-aaguid': { name: 'Nope' },
        '11111111-2222-3333-4444-555555555555': { name: '' },
      },
      'trim',
    );
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toStrictEqual({
      '53414d53-554e-4700-0000-000000000000': { name: 'Samsung Pass' },
      [ONE_PASSWORD]: { name: '1Password', icon: svg('dark') },
      [GOOGLE]: { name: 'Google Password Manager', icon: svg('light'), iconDark: svg('dark') },
      'eaecdef2-1c31-5634-8639-f1cbd9c00a08': { name: 'KeePassDX' },
    });
    expect(Object.keys(JSON.parse(readFileSync(out, 'utf8')))).toStrictEqual([
      '53414d53-554e-4700-0000-000000000000',
      ONE_PASSWORD,
      GOOGLE,
      'eaecdef2-1c31-5634-8639-f1cbd9c00a08',
    ]);
  });

  it('reproduces the vendored file byte for byte from the same data', () => {
    const upstream: Record<string, { name: unknown; icon_light?: unknown; icon_dark?: unknown }> =
      {};
    for (const [aaguid, entry] of Object.entries(vendored).reverse()) {
      upstream[aaguid] =
        entry.icon === undefined
          ? { name: entry.name }
          : { name: entry.name, icon_light: entry.icon, icon_dark: entry.iconDark ?? entry.icon };
    }
    const { run, out } = refresh(upstream, 'roundtrip');
    expect(run.status, run.stderr).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(vendoredText);
  });

  it('refuses an empty list, which is how upstream says it retired, and writes nothing', () => {
    const { run, out } = refresh({}, 'empty');
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('empty object');
    expect(() => readFileSync(out)).toThrow(/ENOENT/);
  });

  it('refuses to run without an input path', () => {
    expect(() => execFileSync(process.execPath, [SCRIPT_PATH], { stdio: 'pipe' })).toThrow(
      /usage: node scripts\/refresh-aaguids\.mjs/,
    );
  });
});
