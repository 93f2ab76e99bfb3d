// Captures real WebAuthn output from Chromium's virtual authenticator (driven
// over the DevTools protocol) into test/fixtures/chromium-*.json. The tests read
// the JSON; run this only to refresh it:
//
//   node packages/core/test/capture-fixtures.mjs
//
// Needs /usr/bin/chromium (or CHROMIUM_PATH) and playwright-core.

import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '@latchkey/browser-device/chromium';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const fixtures = join(here, 'fixtures');
const EVALUATE_TIMEOUT_MS = 15_000;

// The page converts between WebAuthn's binary options/credentials and their JSON
// forms; it prefers the browser's own parse*FromJSON / toJSON (WebAuthn L3 §5.1.8,
// §5.1.9) and falls back to a small base64url helper.
const PAGE = `<!doctype html>
<meta charset="utf-8">
<title>latchkey fixture capture</title>
<script>
  const b64u = {
    encode(buffer) {
      const bytes = new Uint8Array(buffer);
      let binary = '';
      for (const byte of bytes) binary += String.fromCharCode(byte);
      return btoa(binary).replace(/\\+/g, '-').replace(/\\//g, '_').replace(/=+$/, '');
    },
    decode(text) {
      const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
      return Uint8Array.from(binary, (c) => c.charCodeAt(0)).buffer;
    },
  };
  const descriptors = (list) => list?.map((d) => ({ ...d, id: b64u.decode(d.id) }));
  function creationFromJSON(json) {
    if (PublicKeyCredential.parseCreationOptionsFromJSON) return PublicKeyCredential.parseCreationOptionsFromJSON(json);
    return { ...json, challenge: b64u.decode(json.challenge), user: { ...json.user, id: b64u.decode(json.user.id) },
      excludeCredentials: descriptors(json.excludeCredentials) };
  }
  function requestFromJSON(json) {
    if (PublicKeyCredential.parseRequestOptionsFromJSON) return PublicKeyCredential.parseRequestOptionsFromJSON(json);
    return { ...json, challenge: b64u.decode(json.challenge), allowCredentials: descriptors(json.allowCredentials) };
  }
  function credentialToJSON(credential) {
    if (typeof credential.toJSON === 'function') return { json: credential.toJSON(), via: 'toJSON' };
    const r = credential.response;
    const response = { clientDataJSON: b64u.encode(r.clientDataJSON) };
    if (r.attestationObject) {
      response.attestationObject = b64u.encode(r.attestationObject);
      response.authenticatorData = b64u.encode(r.getAuthenticatorData());
      response.transports = r.getTransports();
      response.publicKeyAlgorithm = r.getPublicKeyAlgorithm();
      const publicKey = r.getPublicKey();
      if (publicKey) response.publicKey = b64u.encode(publicKey);
    } else {
      response.authenticatorData = b64u.encode(r.authenticatorData);
      response.signature = b64u.encode(r.signature);
      if (r.userHandle) response.userHandle = b64u.encode(r.userHandle);
    }
    return { json: { id: credential.id, rawId: b64u.encode(credential.rawId), type: credential.type, response,
      authenticatorAttachment: credential.authenticatorAttachment ?? undefined,
      clientExtensionResults: credential.getClientExtensionResults() }, via: 'helper' };
  }
  window.createCredential = async (json) =>
    credentialToJSON(await navigator.credentials.create({ publicKey: creationFromJSON(json) }));
  window.getCredential = async (json) =>
    credentialToJSON(await navigator.credentials.get({ publicKey: requestFromJSON(json) }));
</script>`;

const b64u = (bytes) => Buffer.from(bytes).toString('base64url');

function withTimeout(promise, label) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${label} timed out after ${EVALUATE_TIMEOUT_MS} ms`)),
      EVALUATE_TIMEOUT_MS,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function main() {
  const server = createServer((_, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(PAGE);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  const origin = `http://localhost:${port}`;
  const rpId = 'localhost';

  const profile = await mkdtemp(join(tmpdir(), 'latchkey-capture-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...CHROMIUM_ARGS],
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(EVALUATE_TIMEOUT_MS);
    await page.goto(`${origin}/`);
    // Chrome DevTools Protocol, WebAuthn domain: a platform authenticator with
    // resident keys and user verification that always consents.
    const cdp = await context.newCDPSession(page);
    const { product } = await withTimeout(cdp.send('Browser.getVersion'), 'Browser.getVersion');
    const browser = product.replace(/^(Headless)?Chrome/, 'Chromium');
    await withTimeout(cdp.send('WebAuthn.enable'), 'WebAuthn.enable');
    await withTimeout(
      cdp.send('WebAuthn.addVirtualAuthenticator', {
        options: {
          protocol: 'ctap2',
          transport: 'internal',
          hasResidentKey: true,
          hasUserVerification: true,
          isUserVerified: true,
          automaticPresenceSimulation: true,
        },
      }),
      'WebAuthn.addVirtualAuthenticator',
    );
    const meta = {
      source: 'chromium',
      browser,
      authenticator: 'CDP virtual authenticator (ctap2, internal)',
      origin,
      rpId,
    };

    const creationOptions = {
      rp: { id: rpId, name: 'Latchkey fixtures' },
      user: { id: b64u(randomBytes(32)), name: 'fixture@example.com', displayName: 'Fixture User' },
      challenge: b64u(randomBytes(32)),
      pubKeyCredParams: [
        { alg: -7, type: 'public-key' },
        { alg: -257, type: 'public-key' },
      ],
      timeout: 60000,
      excludeCredentials: [],
      authenticatorSelection: {
        residentKey: 'required',
        requireResidentKey: true,
        userVerification: 'required',
      },
      attestation: 'none',
      extensions: { credProps: true },
    };
    const created = await withTimeout(
      page.evaluate((json) => window.createCredential(json), creationOptions),
      'create()',
    );
    await write('chromium-registration.json', {
      ...meta,
      via: created.via,
      options: creationOptions,
      response: created.json,
    });

    const discoverableOptions = {
      challenge: b64u(randomBytes(32)),
      timeout: 60000,
      rpId,
      userVerification: 'required',
    };
    const discovered = await withTimeout(
      page.evaluate((json) => window.getCredential(json), discoverableOptions),
      'get() discoverable',
    );
    await write('chromium-authentication-discoverable.json', {
      ...meta,
      via: discovered.via,
      options: discoverableOptions,
      response: discovered.json,
    });

    const allowOptions = {
      challenge: b64u(randomBytes(32)),
      timeout: 60000,
      rpId,
      allowCredentials: [
        { id: created.json.id, type: 'public-key', transports: created.json.response.transports },
      ],
      userVerification: 'preferred',
    };
    const allowed = await withTimeout(
      page.evaluate((json) => window.getCredential(json), allowOptions),
      'get() allowCredentials',
    );
    await write('chromium-authentication-allow-credentials.json', {
      ...meta,
      via: allowed.via,
      options: allowOptions,
      response: allowed.json,
    });
  } finally {
    await context.close();
    server.close();
    await rm(profile, { recursive: true, force: true });
  }
}

async function write(name, value) {
  await writeFile(join(fixtures, name), `${JSON.stringify(value, null, 2)}\n`);
  console.log(`wrote test/fixtures/${name}`);
}

await main();
// Keep the JSON as the repository's formatter writes it, so a refresh lints clean.
spawnSync(join(here, '../../../node_modules/.bin/biome'), ['format', '--write', fixtures], {
  stdio: 'ignore',
});
