import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { deleteTokenFile, readTokenFile, tokenFilePath, writeTokenFile } from './token-file.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});
async function temp(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'latchkey-file-'));
  dirs.push(dir);
  return dir;
}

const login = {
  baseUrl: 'https://app.example/auth',
  token: `lk_${'A'.repeat(16)}_${'b'.repeat(43)}`,
  scopes: ['read'],
  savedAt: '2026-06-01T12:00:00.000Z',
};

describe('the token file', () => {
  it('lives in ~/.config/latchkey/token, or under an absolute XDG_CONFIG_HOME', () => {
    expect(tokenFilePath({}, '/home/ada')).toBe('/home/ada/.config/latchkey/token');
    expect(tokenFilePath({ XDG_CONFIG_HOME: '/etc/xdg-ada' }, '/home/ada')).toBe(
      '/etc/xdg-ada/latchkey/token',
    );
    expect(tokenFilePath({ XDG_CONFIG_HOME: 'relative' }, '/home/ada')).toBe(
      '/home/ada/.config/latchkey/token',
    );
  });

  it('is written 0600 even under a permissive umask, and read back', async () => {
    const path = join(await temp(), 'a', 'b', 'token');
    const previous = process.umask(0o000);
    try {
      await writeTokenFile(path, login);
    } finally {
      process.umask(previous);
    }
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await readTokenFile(path)).toEqual({ login, shared: false });
    // Overwriting keeps the mode and leaves no temporary file behind.
    await writeTokenFile(path, { ...login, scopes: ['admin'] });
    expect((await readTokenFile(path))?.login.scopes).toEqual(['admin']);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('reports a file others can read, and refuses one that is not ours', async () => {
    const dir = await temp();
    const path = join(dir, 'token');
    await writeTokenFile(path, login);
    await chmod(path, 0o644);
    expect((await readTokenFile(path))?.shared).toBe(true);
    await writeFile(path, 'not json');
    await expect(readTokenFile(path)).rejects.toMatchObject({ code: 'TOKEN_FILE', exitCode: 1 });
    await writeFile(path, '{"token": 1}');
    await expect(readTokenFile(path)).rejects.toMatchObject({ code: 'TOKEN_FILE' });
  });

  it('is absent (null) until written and after deletion', async () => {
    const path = join(await temp(), 'token');
    expect(await readTokenFile(path)).toBeNull();
    expect(await deleteTokenFile(path)).toBe(false);
    await writeTokenFile(path, login);
    expect(JSON.parse(await readFile(path, 'utf8')).token).toBe(login.token);
    expect(await deleteTokenFile(path)).toBe(true);
    expect(await readTokenFile(path)).toBeNull();
  });
});
