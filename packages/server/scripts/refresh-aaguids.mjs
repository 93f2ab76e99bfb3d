#!/usr/bin/env node
/**
 * Refreshes `src/devices/aaguids.json`, the vendored copy of the community list of
 * passkey provider AAGUIDs (https://github.com/passkeydeveloper/passkey-authenticator-aaguids,
 * no licence stated upstream; see THIRD_PARTY_NOTICES.md).
 *
 * The script never touches the network: download the upstream `aaguid.json` yourself
 * (https://raw.githubusercontent.com/passkeydeveloper/passkey-authenticator-aaguids/main/aaguid.json)
 * and pass its path.
 *
 *   node scripts/refresh-aaguids.mjs <path/to/aaguid.json> [--out <path>]
 *
 * Trimming, so the table stays small enough to ship inside the server bundle:
 * - keys are lower-cased and must be 8-4-4-4-12 hex; the all-zero AAGUID is dropped
 *   (WebAuthn L3 §5.4.7: with attestation "none" a client may zero the AAGUID, so it
 *   names no provider);
 * - every provider keeps its `name` (trimmed, 1–128 characters; longer or empty names
 *   are skipped with a warning);
 * - an `icon` (the upstream `icon_light`, else `icon_dark`) is kept only for the common
 *   platform providers in ICON_AAGUIDS, and only when it is an SVG data URI of at most
 *   MAX_ICON_CHARS characters: the full upstream set of icons would be about as large as
 *   the whole budget, and the largest ones are wordmarks that do not read at icon size;
 *   its `icon_dark` is kept as `iconDark` when it differs from the icon kept, under the same rules;
 * - keys are sorted so refreshes produce reviewable diffs.
 *
 * The upstream README warns the list may be retired by emptying it: an empty (or
 * otherwise unusable) input fails loudly instead of wiping the vendored table.
 *
 * After a refresh: update the commit and date in THIRD_PARTY_NOTICES.md and run
 * `npx vitest run src/devices`.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const DEFAULT_OUT = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  'src',
  'devices',
  'aaguids.json',
);

/** Providers whose icon is worth its bytes: the platform and best-known third-party managers. */
const ICON_AAGUIDS = new Set([
  'ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4', // Google Password Manager
  'adce0002-35bc-c60a-648b-0b25f1f05503', // Chrome on Mac
  'fbfc3007-154e-4ecc-8c0b-6e020557d7bd', // Apple Passwords (formerly iCloud Keychain)
  'dd4ec289-e01d-41c9-bb89-70fa845d4bf2', // iCloud Keychain (Managed)
  '08987058-cadc-4b81-b6e1-30de50dcbe96', // Windows Hello
  '9ddd1817-af5a-4672-a2b9-3e3dd95000a9', // Windows Hello
  '6028b017-b1d4-4c02-b4b3-afcdafc96bb2', // Windows Hello
  'd3452668-01fd-4c12-926c-83a4204853aa', // Microsoft Password Manager
  '53414d53-554e-4700-0000-000000000000', // Samsung Pass
  'bada5566-a7aa-401f-bd96-45619a55120d', // 1Password
  'd548826e-79b4-db40-a3d8-11116f7e8349', // Bitwarden
  '531126d6-e717-415c-9320-3d9aa6981239', // Dashlane
  'fdb141b2-5d84-443e-8a35-4698c205a502', // KeePassXC
  '50726f74-6f6e-5061-7373-50726f746f6e', // Proton Pass
  'f3809540-7f14-49c1-a8b3-8f813b225541', // Enpass
  'b84e4048-15dc-4dd0-8640-f4f60813c8af', // NordPass
]);

const MAX_ICON_CHARS = 10_000;
const MAX_NAME_CHARS = 128;
const MAX_OUTPUT_BYTES = 150 * 1024;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ZERO_AAGUID = '00000000-0000-0000-0000-000000000000';
const SVG_DATA_URI = 'data:image/svg+xml;base64,';

function fail(message) {
  console.error(`refresh-aaguids: ${message}`);
  process.exit(1);
}

function parseArgs(argv) {
  let input;
  let out = DEFAULT_OUT;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--out') {
      const value = argv[++i];
      if (!value) fail('--out needs a path');
      out = resolve(value);
    } else if (arg === '--help' || arg === '-h') {
      console.log('usage: node scripts/refresh-aaguids.mjs <path/to/aaguid.json> [--out <path>]');
      process.exit(0);
    } else if (input === undefined) {
      input = resolve(arg);
    } else {
      fail(`unexpected argument: ${arg}`);
    }
  }
  if (input === undefined)
    fail('usage: node scripts/refresh-aaguids.mjs <path/to/aaguid.json> [--out <path>]');
  return { input, out };
}

function usableIcon(candidate) {
  return (
    typeof candidate === 'string' &&
    candidate.startsWith(SVG_DATA_URI) &&
    candidate.length <= MAX_ICON_CHARS
  );
}

function pickIcon(entry) {
  for (const candidate of [entry.icon_light, entry.icon_dark]) {
    if (
      typeof candidate === 'string' &&
      candidate.startsWith(SVG_DATA_URI) &&
      candidate.length <= MAX_ICON_CHARS
    ) {
      return candidate;
    }
  }
  return undefined;
}

function trim(upstream) {
  if (upstream === null || typeof upstream !== 'object' || Array.isArray(upstream)) {
    fail('the input is not a JSON object of AAGUID → provider');
  }
  const keys = Object.keys(upstream);
  if (keys.length === 0) {
    fail('the input is an empty object: upstream may have retired the list (see its README)');
  }
  const trimmed = {};
  let icons = 0;
  for (const rawKey of keys) {
    const aaguid = rawKey.toLowerCase();
    const entry = upstream[rawKey];
    if (!UUID.test(aaguid)) {
      console.warn(`skipped ${JSON.stringify(rawKey)}: not an AAGUID`);
      continue;
    }
    if (aaguid === ZERO_AAGUID) continue;
    const name = typeof entry?.name === 'string' ? entry.name.trim() : '';
    if (name.length === 0 || name.length > MAX_NAME_CHARS) {
      console.warn(`skipped ${aaguid}: missing or over-long name`);
      continue;
    }
    const provider = { name };
    if (ICON_AAGUIDS.has(aaguid)) {
      const icon = pickIcon(entry);
      if (icon !== undefined) {
        provider.icon = icon;
        icons++;
        // The dark variant, for dark backgrounds, only where it differs.
        if (usableIcon(entry.icon_dark) && entry.icon_dark !== icon) {
          provider.iconDark = entry.icon_dark;
        }
      }
    }
    trimmed[aaguid] = provider;
  }
  const sorted = {};
  for (const aaguid of Object.keys(trimmed).sort()) sorted[aaguid] = trimmed[aaguid];
  if (Object.keys(sorted).length === 0) fail('no usable entries in the input');
  return { table: sorted, icons };
}

const { input, out } = parseArgs(process.argv.slice(2));
let upstream;
try {
  upstream = JSON.parse(await readFile(input, 'utf8'));
} catch (error) {
  fail(`cannot read ${input}: ${error instanceof Error ? error.message : String(error)}`);
}
const { table, icons } = trim(upstream);
const text = `${JSON.stringify(table, null, 2)}\n`;
const bytes = Buffer.byteLength(text);
if (bytes > MAX_OUTPUT_BYTES) {
  fail(`the trimmed table is ${bytes} bytes, over the ${MAX_OUTPUT_BYTES}-byte budget`);
}
await writeFile(out, text);
console.log(`wrote ${out}: ${Object.keys(table).length} providers, ${icons} icons, ${bytes} bytes`);
