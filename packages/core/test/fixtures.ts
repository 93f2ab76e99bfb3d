// Reads the captured WebAuthn fixtures (test/fixtures/*.json) for the tests.
// Chromium's come from capture-fixtures.mjs, the software authenticator's from
// capture-software-fixtures.ts; both hold the options used and the browser's
// toJSON()-style answer.

import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const directory = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

export interface CeremonyFixture {
  /** The file name, for test titles. */
  name: string;
  source: 'chromium' | 'software';
  origin: string;
  rpId: string;
  options: Record<string, unknown>;
  response: Record<string, unknown> & { response: Record<string, unknown> };
}

function load(name: string): CeremonyFixture {
  const json = JSON.parse(readFileSync(join(directory, name), 'utf8')) as Omit<
    CeremonyFixture,
    'name'
  >;
  return { name, ...json };
}

function all(kind: 'registration' | 'authentication'): CeremonyFixture[] {
  return readdirSync(directory)
    .filter((file) => file.endsWith('.json') && file.includes(`-${kind}`))
    .sort()
    .map(load);
}

/** Every registration fixture (`*-registration*.json`), Chromium's and the software authenticator's. */
export const registrationFixtures: readonly CeremonyFixture[] = all('registration');

/** Every authentication fixture (`*-authentication-*.json`). */
export const authenticationFixtures: readonly CeremonyFixture[] = all('authentication');

/** A deep copy of a fixture's value, safe to mutate in a test. */
export function copy<T>(value: T): T {
  return structuredClone(value);
}
