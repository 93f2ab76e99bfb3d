import type { LatchkeyConfig } from './config/latchkey-config.js';
import { createLatchkey as createWithStore, type Latchkey } from './create-latchkey.js';
import { pgliteStore } from './stores/pglite/pglite-store.js';

/** Where the embedded default store keeps its data, relative to the working directory. */
const DEFAULT_DATA_DIR = './.latchkey';

/**
 * `createLatchkey` as the main entry point gives it on Node, Bun and Deno (the
 * `node` export condition): without `config.store` it runs on the embedded
 * PGlite store in `./.latchkey`. PGlite is an optional peer dependency, loaded
 * on first use; when it is missing, `ready()` and every request fail with
 * `StoreUnavailableError` naming the package to install.
 *
 * @example
 * const latchkey = createLatchkey({ rpName: 'Acme', origins: ['http://localhost:3000'] });
 * await latchkey.ready(); // PGlite in ./.latchkey
 */
export function createLatchkey(config: LatchkeyConfig): Latchkey {
  if (config.store !== undefined) return createWithStore(config);
  warnInProduction();
  return createWithStore({ ...config, store: pgliteStore({ dataDir: DEFAULT_DATA_DIR }) });
}

/**
 * A serverless or multi-instance deploy on the default store loses its data, or
 * splits it across instances, without a word: say so at start.
 */
function warnInProduction(): void {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process
    ?.env;
  if (env?.NODE_ENV !== 'production') return;
  console.warn(
    [
      '',
      '[latchkey] WARNING: NODE_ENV=production but no `store` was given, so Latchkey keeps',
      `[latchkey] every user, passkey and session in embedded PGlite in ${DEFAULT_DATA_DIR}.`,
      '[latchkey] That folder is lost on a redeploy or serverless cold start and is not shared',
      "[latchkey] between instances. Pass `store: postgresStore({ connectionString })` from '@latchkey/server/postgres',",
      "[latchkey] or `store: pgliteStore({ dataDir })` from '@latchkey/server/pglite' to keep PGlite on purpose.",
      '',
    ].join('\n'),
  );
}
