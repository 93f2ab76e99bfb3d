import { createLatchkey, type Latchkey } from '@latchkey/server';
import { pgliteStore } from '@latchkey/server/pglite';

// One server per process: Next loads this module once for each route and for
// `proxy.ts`, and two PGlite instances must never open the same folder.
const shared = globalThis as typeof globalThis & { latchkey?: Latchkey };

shared.latchkey ??= createLatchkey({
  rpName: 'Latchkey on Next.js',
  origins: [process.env.APP_ORIGIN ?? 'http://localhost:3000'],
  store: pgliteStore({ dataDir: process.env.LATCHKEY_DATA_DIR ?? './.latchkey' }),
  ...(process.env.LATCHKEY_SECRET ? { secret: process.env.LATCHKEY_SECRET } : {}),
});

/** The app's Latchkey server: its origin, its secret and its store come from the environment. */
export const latchkey: Latchkey = shared.latchkey;
