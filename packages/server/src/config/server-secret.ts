import type { LatchkeyStore } from '../stores/contract.js';

/** The shortest secret accepted: 32 characters of a random string carry well over 128 bits. */
const MIN_LENGTH = 32;

/**
 * Where the server secret comes from, decided once at start.
 * - `given`: `config.secret` or `LATCHKEY_SECRET` (a list: the first is current).
 * - `file`: generated once into `<dataDir>/secret` (mode 0600) of the embedded
 *   PGlite store on a folder (the default, or one passed in).
 * - `store`: development only, with another store and no secret: kept in
 *   the store as before, with a warning (a read of the store then signs people in).
 */
export type SecretSource =
  | { kind: 'given'; secrets: string[] }
  | { kind: 'file'; path: string }
  | { kind: 'store' };

function fail(expected: string): never {
  throw new TypeError(`createLatchkey: config.secret ${expected}`);
}

/** `process.env` where the runtime has one (Node, Bun, Deno 2), else nothing. */
function environment(): Record<string, string | undefined> {
  return (
    (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {}
  );
}

/**
 * Checks `config.secret` (one string or a list) or `LATCHKEY_SECRET` (one secret,
 * or several separated by commas or white space), and decides where the secret
 * comes from when neither is set. Throws a `TypeError` naming the problem: a
 * secret under 32 characters, or none in production (`NODE_ENV=production`) with
 * a store other than the embedded one on a folder (PostgreSQL, Redis, memory, …).
 *
 * @example
 * resolveServerSecret({ secret: [newSecret, oldSecret] }, store) // { kind: 'given', secrets: [...] }
 */
export function resolveServerSecret(
  config: { secret?: string | readonly string[] | undefined },
  store: LatchkeyStore | null,
  env: Record<string, string | undefined> = environment(),
): SecretSource {
  let secrets: readonly unknown[] | null = null;
  if (config.secret !== undefined) {
    secrets = typeof config.secret === 'string' ? [config.secret] : config.secret;
    if (!Array.isArray(secrets) || secrets.length === 0)
      fail('must be a string or a non-empty list of strings');
  } else if (env.LATCHKEY_SECRET?.trim()) {
    secrets = env.LATCHKEY_SECRET.trim().split(/[\s,]+/);
  }
  if (secrets) {
    secrets.forEach((s, i) => {
      if (typeof s !== 'string' || s.length < MIN_LENGTH)
        fail(
          `${secrets!.length > 1 ? `[${i}] ` : ''}must be a string of at least ${MIN_LENGTH} characters`,
        );
    });
    return { kind: 'given', secrets: secrets as string[] };
  }
  // The embedded store, by default or passed in on a folder: the secret lives beside its data.
  if (store === null) return { kind: 'file', path: './.latchkey/secret' };
  if (store.dataDir !== undefined) return { kind: 'file', path: joinPath(store.dataDir, 'secret') };
  if (env.NODE_ENV === 'production') {
    fail(
      'is required in production with this store: set `secret` (or LATCHKEY_SECRET) to ' +
        `at least ${MIN_LENGTH} random characters kept outside the store, for example the output of ` +
        '`openssl rand -base64 48`',
    );
  }
  return { kind: 'store' };
}

function joinPath(dir: string, name: string): string {
  return /[\\/]$/.test(dir) ? `${dir}${name}` : `${dir}/${name}`;
}

interface NodeFs {
  readFile(path: string, encoding: 'utf8'): Promise<string>;
  writeFile(path: string, data: string, options: { mode: number; flag: 'wx' }): Promise<void>;
  mkdir(path: string, options: { recursive: true; mode: number }): Promise<unknown>;
  stat(path: string): Promise<{ mode: number }>;
  chmod(path: string, mode: number): Promise<void>;
}

function nodeFs(): NodeFs {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const fs =
    typeof proc?.getBuiltinModule === 'function'
      ? (proc.getBuiltinModule('node:fs/promises') as NodeFs | undefined)
      : undefined;
  if (!fs) {
    throw new Error(
      'createLatchkey: this runtime cannot keep a server secret in a file; set `secret` (or LATCHKEY_SECRET)',
    );
  }
  return fs;
}

/**
 * The secret kept in `path`: read, or created once with `candidate` (mode 0600,
 * exclusive create, so two processes starting together agree). A file others can
 * read is narrowed to 0600.
 *
 * @example
 * const secret = await secretFromFile('./.latchkey/secret', randomToken(48));
 */
export async function secretFromFile(path: string, candidate: string): Promise<string> {
  const fs = nodeFs();
  const dir = path.replace(/[\\/][^\\/]*$/, '');
  if (dir !== path) await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  try {
    await fs.writeFile(path, `${candidate}\n`, { mode: 0o600, flag: 'wx' });
    return candidate;
  } catch (error) {
    if ((error as { code?: string }).code !== 'EEXIST') throw error;
  }
  const { mode } = await fs.stat(path);
  if ((mode & 0o077) !== 0) await fs.chmod(path, 0o600);
  const secret = (await fs.readFile(path, 'utf8')).trim();
  if (secret.length < MIN_LENGTH)
    throw new Error(
      `createLatchkey: the server secret in ${path} is shorter than ${MIN_LENGTH} characters`,
    );
  return secret;
}
