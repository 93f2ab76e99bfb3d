import { readFile, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  approve,
  type LiveServer,
  requireBuiltBinary,
  runCli,
  startServer,
  tempHome,
  USER_CODE,
} from '../test/cli-harness.js';
import { EXIT_CODES } from './exit-codes.js';

beforeAll(requireBuiltBinary);

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(config?: Parameters<typeof startServer>[0]) {
  const live = await startServer(config);
  const { home, remove } = await tempHome();
  cleanups.push(live.close, remove);
  const ada = await live.person('ada@example.com');
  const tokenFile = join(home, '.config', 'latchkey', 'token');
  const run = (args: string[], env: Record<string, string> = {}) =>
    runCli(args, { HOME: home, ...env }).done;
  return { live, home, ada, tokenFile, run };
}

/** `latchkey login …`, approved in the browser by `browser`. */
async function login(
  live: LiveServer,
  home: string,
  browser: Awaited<ReturnType<LiveServer['person']>>,
  extra: string[] = [],
) {
  const cli = runCli(['login', '--base-url', live.url, ...extra], { HOME: home });
  const [, userCode] = await cli.waitForStderr(USER_CODE);
  await approve(browser, userCode!);
  return cli.done;
}

async function savedToken(tokenFile: string): Promise<string> {
  return JSON.parse(await readFile(tokenFile, 'utf8')).token;
}

describe('latchkey login / whoami', () => {
  it('approves with a passkey, saves the token 0600, and whoami reads it', async () => {
    const { live, home, ada, tokenFile, run } = await setup();
    const cli = runCli(['login', '--base-url', live.url], { HOME: home });
    const [, userCode] = await cli.waitForStderr(USER_CODE);
    const prompt = await cli.waitForStderr(/open this link in a browser:\n\s+(\S+)/);
    expect(prompt[1]).toBe(`${live.url}/device?user_code=${userCode}`);
    await approve(ada, userCode!);
    const result = await cli.done;

    expect(result.code).toBe(EXIT_CODES.OK);
    expect(result.stdout).toContain(`Logged in to ${live.url} as ada@example.com (scopes: read).`);
    expect(result.stdout).toContain(`Token saved to ${tokenFile}`);
    expect((await stat(tokenFile)).mode & 0o777).toBe(0o600);
    expect((await stat(join(home, '.config', 'latchkey'))).mode & 0o777).toBe(0o700);
    const saved = JSON.parse(await readFile(tokenFile, 'utf8'));
    expect(saved).toMatchObject({ baseUrl: `${live.url}/auth`, scopes: ['read'] });
    expect(saved.token).toMatch(/^lk_[A-Za-z0-9_-]{16}_[A-Za-z0-9_-]{43}$/);
    const verified = await live.server.latchkey.api.tokens.verify(saved.token);
    expect(verified?.user.email).toBe('ada@example.com');
    expect(verified?.token).toMatchObject({
      name: `latchkey CLI on ${hostname()}`.slice(0, 64),
      scopes: ['read'],
      agent: false,
    });

    const who = await run(['whoami']);
    expect(who.code).toBe(EXIT_CODES.OK);
    expect(who.stdout.split('\n')[0]).toBe('ada@example.com');
    expect(who.stdout).toContain(`from ${tokenFile}`);
    const whoJson = await run(['whoami', '--json']);
    expect(JSON.parse(whoJson.stdout)).toMatchObject({
      user: { email: 'ada@example.com', id: verified?.user.id },
      baseUrl: `${live.url}/auth`,
      tokenId: verified?.token.id,
      tokenSource: 'file',
    });
  });

  it('--json: the prompt is a JSON line on stderr and the result JSON on stdout', async () => {
    const { live, home, ada, tokenFile } = await setup({ tokens: { scopes: ['notes:write'] } });
    const cli = runCli(
      [
        'login',
        '--base-url',
        live.url,
        '--json',
        '--scopes',
        'read,notes:write',
        '--agent',
        '--name',
        'claude',
      ],
      { HOME: home },
    );
    const [line] = await cli.waitForStderr(/^\{.*\}$/m);
    const prompt = JSON.parse(line);
    expect(prompt).toMatchObject({
      user_code: expect.stringMatching(USER_CODE),
      verification_uri: `${live.url}/device`,
      expires_in: 600,
    });
    await approve(ada, prompt.user_code);
    const result = await cli.done;
    expect(result.code).toBe(EXIT_CODES.OK);
    const out = JSON.parse(result.stdout);
    expect(out).toMatchObject({
      baseUrl: `${live.url}/auth`,
      user: { email: 'ada@example.com' },
      scopes: ['read', 'notes:write'],
      tokenFile,
      replacedPrevious: false,
    });
    const verified = await live.server.latchkey.api.tokens.verify(await savedToken(tokenFile));
    expect(verified?.token).toMatchObject({ name: 'claude', agent: true, id: out.tokenId });
  });
});

describe('latchkey token', () => {
  it('creates (with a passkey approval), lists and revokes tokens', async () => {
    const { live, home, ada, tokenFile, run } = await setup();
    expect((await login(live, home, ada, ['--scopes', 'admin'])).code).toBe(0);
    const mine = await savedToken(tokenFile);

    const create = runCli(['token', 'create', '--name', 'deploy', '--scopes', 'read'], {
      HOME: home,
    });
    const [, userCode] = await create.waitForStderr(USER_CODE);
    await approve(ada, userCode!);
    const created = await create.done;
    expect(created.code).toBe(EXIT_CODES.OK);
    const deployToken = created.stdout.trim();
    expect(deployToken).toMatch(/^lk_/);
    expect(created.stderr).toContain('Created token "deploy" (scopes: read)');
    // Not saved: the login's token is still the one in the file.
    expect(await savedToken(tokenFile)).toBe(mine);

    const listed = await run(['token', 'list', '--json']);
    expect(listed.code).toBe(EXIT_CODES.OK);
    const { tokens, current } = JSON.parse(listed.stdout);
    expect(tokens.map((t: { name: string }) => t.name).sort()).toEqual([
      'deploy',
      `latchkey CLI on ${hostname()}`.slice(0, 64),
    ]);
    const deploy = tokens.find((t: { name: string }) => t.name === 'deploy');
    expect(current).not.toBe(deploy.id);
    const table = await run(['token', 'list']);
    expect(table.stdout).toMatch(/ID\s+NAME\s+SCOPES\s+AGENT\s+EXPIRES\s+LAST USED/);
    expect(table.stdout).toContain(`* ${current}`);

    const revoked = await run(['token', 'revoke', deploy.id]);
    expect(revoked.code).toBe(EXIT_CODES.OK);
    expect(revoked.stdout).toBe(`Revoked token ${deploy.id}.\n`);
    const after = JSON.parse((await run(['token', 'list', '--json'])).stdout);
    expect(after.tokens.map((t: { id: string }) => t.id)).toEqual([current]);
    const dead = await run(['whoami'], { LATCHKEY_TOKEN: deployToken });
    expect(dead.code).toBe(EXIT_CODES.TOKEN_INVALID);
  });

  it('refuses what the token may not do with exit code 8', async () => {
    const { live, home, ada, run } = await setup();
    expect((await login(live, home, ada)).code).toBe(0);
    const other = await live.server.latchkey.api.tokens.create(
      (await live.server.latchkey.api.users.getByEmail('ada@example.com'))!.id,
      { name: 'other', scopes: ['read'] },
    );
    const res = await run(['token', 'revoke', other.info.id, '--json']);
    expect(res.code).toBe(EXIT_CODES.FORBIDDEN);
    expect(JSON.parse(res.stderr).error).toMatchObject({ code: 'INSUFFICIENT_SCOPE', exitCode: 8 });
    expect(await live.server.latchkey.api.tokens.verify(other.token)).not.toBeNull();
  });
});

describe('LATCHKEY_TOKEN', () => {
  it('overrides the token file', async () => {
    const { live, home, ada, run } = await setup();
    expect((await login(live, home, ada)).code).toBe(0);
    const bob = await live.person('bob@example.com');
    const bobId = (await bob.call('GET', '/auth/session')).body.user.id;
    const { token } = await live.server.latchkey.api.tokens.create(bobId, {
      name: 'bob-ci',
      scopes: ['read'],
    });

    const res = await run(['whoami', '--json'], { LATCHKEY_TOKEN: token });
    expect(res.code).toBe(EXIT_CODES.OK);
    expect(JSON.parse(res.stdout)).toMatchObject({
      user: { email: 'bob@example.com' },
      tokenSource: 'LATCHKEY_TOKEN',
      baseUrl: `${live.url}/auth`,
    });
  });

  it('needs a server from --base-url or LATCHKEY_BASE_URL when there is no file', async () => {
    const { live, ada, run } = await setup();
    const adaId = (await ada.call('GET', '/auth/session')).body.user.id;
    const { token } = await live.server.latchkey.api.tokens.create(adaId, {
      name: 'env',
      scopes: ['read'],
    });
    const missing = await run(['whoami'], { LATCHKEY_TOKEN: token });
    expect(missing.code).toBe(EXIT_CODES.USAGE);
    expect(missing.stderr).toContain('LATCHKEY_BASE_URL');
    const viaEnv = await run(['whoami'], { LATCHKEY_TOKEN: token, LATCHKEY_BASE_URL: live.url });
    expect(viaEnv.code).toBe(EXIT_CODES.OK);
    expect(viaEnv.stdout).toContain('from LATCHKEY_TOKEN');
    const viaFlag = await run(['whoami', '--base-url', `${live.url}/auth/`], {
      LATCHKEY_TOKEN: token,
    });
    expect(viaFlag.code).toBe(EXIT_CODES.OK);
  });
});

describe('latchkey logout', () => {
  it('revokes the token on the server and deletes the file', async () => {
    const { live, home, ada, tokenFile, run } = await setup();
    expect((await login(live, home, ada)).code).toBe(0);
    const first = await savedToken(tokenFile);
    // Logging in again replaces the login and revokes the token it replaces.
    const again = await login(live, home, ada);
    expect(again.stdout).toContain('The token of the previous login was revoked.');
    expect(await live.server.latchkey.api.tokens.verify(first)).toBeNull();
    const token = await savedToken(tokenFile);

    const res = await run(['logout', '--json']);
    expect(res.code).toBe(EXIT_CODES.OK);
    expect(JSON.parse(res.stdout)).toMatchObject({
      revoked: true,
      alreadyInvalid: false,
      fileDeleted: true,
    });
    await expect(stat(tokenFile)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await live.server.latchkey.api.tokens.verify(token)).toBeNull();

    const after = await run(['whoami']);
    expect(after.code).toBe(EXIT_CODES.NOT_SIGNED_IN);
    expect(after.stderr).toBe(
      'latchkey: Not logged in. Run `latchkey login --base-url <url>`, or set LATCHKEY_TOKEN.\n',
    );
  });

  it('still deletes the file when the token was revoked already', async () => {
    const { live, home, ada, tokenFile, run } = await setup();
    expect((await login(live, home, ada)).code).toBe(0);
    const token = await savedToken(tokenFile);
    const id = (await live.server.latchkey.api.tokens.verify(token))!.token.id;
    expect((await ada.call('DELETE', `/auth/tokens/${id}`)).status).toBe(200);
    const res = await run(['logout']);
    expect(res.code).toBe(EXIT_CODES.OK);
    expect(res.stdout).toBe(`The token was already revoked or expired and deleted ${tokenFile}.\n`);
    await expect(stat(tokenFile)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('failures have clear messages and distinct exit codes', () => {
  it('server down: 4', async () => {
    const { home, remove } = await tempHome();
    cleanups.push(remove);
    const http = createServer();
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const port = (http.address() as AddressInfo).port;
    await new Promise((resolve) => http.close(resolve));
    const res = await runCli(['login', '--base-url', `http://127.0.0.1:${port}`], { HOME: home })
      .done;
    expect(res.code).toBe(EXIT_CODES.UNREACHABLE);
    expect(res.stderr).toBe(
      `latchkey: Could not reach the server at http://127.0.0.1:${port}. Is it running, and is the URL right?\n`,
    );
  });

  it('denied in the browser: 5', async () => {
    const { live, home, ada, tokenFile } = await setup();
    const cli = runCli(['login', '--base-url', live.url, '--json'], { HOME: home });
    const [, userCode] = await cli.waitForStderr(USER_CODE);
    expect((await ada.call('POST', '/auth/device/deny', { user_code: userCode })).status).toBe(200);
    const res = await cli.done;
    expect(res.code).toBe(EXIT_CODES.DENIED);
    expect(JSON.parse(res.stderr.trim().split('\n').at(-1)!)).toEqual({
      error: {
        code: 'ACCESS_DENIED',
        message: 'The request was denied in the browser.',
        exitCode: 5,
      },
    });
    await expect(stat(tokenFile)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('code expired before approval: 6', async () => {
    const { live, home } = await setup();
    const cli = runCli(['login', '--base-url', live.url], { HOME: home });
    await cli.waitForStderr(USER_CODE);
    live.advance(601_000);
    const res = await cli.done;
    expect(res.code).toBe(EXIT_CODES.EXPIRED);
    expect(res.stderr).toContain(
      'latchkey: The code expired (or was already used) before it was approved. Run the command again.',
    );
  });

  it('revoked token: 7', async () => {
    const { live, home, ada, tokenFile, run } = await setup();
    expect((await login(live, home, ada)).code).toBe(0);
    const id = (await live.server.latchkey.api.tokens.verify(await savedToken(tokenFile)))!.token
      .id;
    expect((await ada.call('DELETE', `/auth/tokens/${id}`)).status).toBe(200);
    const res = await run(['whoami', '--json']);
    expect(res.code).toBe(EXIT_CODES.TOKEN_INVALID);
    expect(JSON.parse(res.stderr).error).toMatchObject({ code: 'INVALID_TOKEN', exitCode: 7 });
    const human = await run(['token', 'list']);
    expect(human.code).toBe(EXIT_CODES.TOKEN_INVALID);
    expect(human.stderr).toMatch(
      /^latchkey: The token is not valid any more \(revoked or expired\)/,
    );
  });

  it('usage errors: 2', async () => {
    const { run } = await setup();
    for (const args of [
      ['frobnicate'],
      ['login'],
      ['login', '--base-url', 'ftp://x'],
      ['whoami', '--colour'],
      ['token', 'revoke'],
      ['token', 'create'],
    ]) {
      const res = await run(args);
      expect([args.join(' '), res.code]).toEqual([args.join(' '), EXIT_CODES.USAGE]);
      expect(res.stderr).toMatch(/^latchkey: \S/);
    }
  });
});
