// Captures the software authenticator's output (@latchkey/server/testing) into
// test/fixtures/software-*.json, the same shapes as the Chromium fixtures. The
// tests read the JSON; run this only to refresh it:
//
//   npx tsx packages/core/test/capture-software-fixtures.ts
//
// Core does not depend on the server: this script reaches its source by a
// relative path, and only when run by hand.

import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestAuthenticator } from '../../server/src/testing/index.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
const origin = 'https://app.example';
const rpId = 'app.example';
const b64u = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');

async function write(name: string, value: unknown): Promise<void> {
  await writeFile(join(fixtures, name), `${JSON.stringify(value, null, 2)}\n`);
  console.log(`wrote test/fixtures/${name}`);
}

const authenticator = createTestAuthenticator({
  origin,
  aaguid: '00000000-0000-0000-0000-000000000000',
  backupEligible: true,
  backupState: true,
});
const meta = {
  source: 'software',
  authenticator: '@latchkey/server/testing createTestAuthenticator (ES256, none, BE+BS)',
  origin,
  rpId,
};

const creationOptions = {
  rp: { id: rpId, name: 'Latchkey fixtures' },
  user: { id: b64u(randomBytes(32)), name: 'fixture@example.com', displayName: 'Fixture User' },
  challenge: b64u(randomBytes(32)),
  pubKeyCredParams: [
    { alg: -7, type: 'public-key' as const },
    { alg: -257, type: 'public-key' as const },
  ],
  timeout: 60000,
  excludeCredentials: [],
  authenticatorSelection: {
    residentKey: 'required' as const,
    requireResidentKey: true,
    userVerification: 'required' as const,
  },
  attestation: 'none' as const,
  extensions: { credProps: true },
};
const registration = await authenticator.register(creationOptions);
await write('software-registration.json', {
  ...meta,
  options: creationOptions,
  response: registration,
});

const discoverableOptions = {
  challenge: b64u(randomBytes(32)),
  timeout: 60000,
  rpId,
  userVerification: 'required' as const,
};
await write('software-authentication-discoverable.json', {
  ...meta,
  options: discoverableOptions,
  response: await authenticator.authenticate(discoverableOptions),
});

const allowOptions = {
  challenge: b64u(randomBytes(32)),
  timeout: 60000,
  rpId,
  allowCredentials: [
    {
      id: registration.id,
      type: 'public-key' as const,
      transports: registration.response.transports,
    },
  ],
  userVerification: 'preferred' as const,
};
await write('software-authentication-allow-credentials.json', {
  ...meta,
  options: allowOptions,
  response: await authenticator.authenticate(allowOptions),
});

// Keep the JSON as the repository's formatter writes it, so a refresh lints clean.
spawnSync(join(fixtures, '../../../../node_modules/.bin/biome'), ['format', '--write', fixtures], {
  stdio: 'ignore',
});
