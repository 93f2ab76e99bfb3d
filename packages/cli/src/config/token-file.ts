import { chmod, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import { CliError } from '../cli-error.js';

/** What `latchkey login` keeps: the server and the token it approved. */
export interface StoredLogin {
  /** Where the routes live, such as `https://app.example/auth`. */
  baseUrl: string;
  token: string;
  scopes: string[];
  /** ISO time of the login. */
  savedAt: string;
}

/**
 * `~/.config/latchkey/token` (or under `$XDG_CONFIG_HOME` when that is set).
 *
 * @example
 * tokenFilePath({}, '/home/ada') // '/home/ada/.config/latchkey/token'
 */
export function tokenFilePath(
  env: Readonly<Record<string, string | undefined>>,
  home: string,
): string {
  const xdg = env.XDG_CONFIG_HOME;
  const base = xdg && isAbsolute(xdg) ? xdg : join(home, '.config');
  return join(base, 'latchkey', 'token');
}

/**
 * Reads the token file; null when there is none. `shared` is true when group or
 * others may read it (someone loosened it after we wrote 0600).
 *
 * @example
 * const found = await readTokenFile(tokenFilePath(process.env, homedir()));
 */
export async function readTokenFile(
  path: string,
): Promise<{ login: StoredLogin; shared: boolean } | null> {
  let text: string;
  let mode: number;
  try {
    [text, mode] = await Promise.all([readFile(path, 'utf8'), stat(path).then((s) => s.mode)]);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new CliError('TOKEN_FILE', `Cannot read ${path}: ${(error as Error).message}`);
  }
  let login: Partial<StoredLogin>;
  try {
    login = JSON.parse(text) as Partial<StoredLogin>;
  } catch {
    throw new CliError('TOKEN_FILE', `${path} is not a Latchkey token file; delete it and log in`);
  }
  if (typeof login?.baseUrl !== 'string' || typeof login.token !== 'string')
    throw new CliError('TOKEN_FILE', `${path} is not a Latchkey token file; delete it and log in`);
  return {
    login: {
      baseUrl: login.baseUrl,
      token: login.token,
      scopes: Array.isArray(login.scopes) ? login.scopes.map(String) : [],
      savedAt: typeof login.savedAt === 'string' ? login.savedAt : '',
    },
    shared: process.platform !== 'win32' && (mode & 0o077) !== 0,
  };
}

/**
 * Writes the token file readable by its owner only (0600, in a folder made
 * 0700 even when it was there already), through a temporary file and a rename
 * so a crash never leaves half a token.
 *
 * @example
 * await writeTokenFile(path, { baseUrl, token, scopes: ['read'], savedAt: new Date().toISOString() });
 */
export async function writeTokenFile(path: string, login: StoredLogin): Promise<void> {
  const folder = dirname(path);
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    await mkdir(folder, { recursive: true, mode: 0o700 });
    // mkdir's mode applies only to a folder it creates (and is masked by the
    // umask): one that was there already, say 0755, would let others list it
    // and see when the token changes. Set it outright, as for the file.
    await chmod(folder, 0o700);
    await writeFile(temporary, `${JSON.stringify(login, null, 2)}\n`, {
      mode: 0o600,
      flag: 'w',
    });
    // The mode given to open() is masked by the umask; set it outright.
    await chmod(temporary, 0o600);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw new CliError('TOKEN_FILE', `Cannot write ${path}: ${(error as Error).message}`);
  }
}

/**
 * Deletes the token file; false when there was none.
 *
 * @example
 * await deleteTokenFile(path);
 */
export async function deleteTokenFile(path: string): Promise<boolean> {
  try {
    await rm(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw new CliError('TOKEN_FILE', `Cannot delete ${path}: ${(error as Error).message}`);
  }
}
