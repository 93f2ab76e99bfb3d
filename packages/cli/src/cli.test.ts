import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  approve,
  fakeBrowser,
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

/** Any control character a terminal acts on, but the `\r\n` a terminal's line discipline writes. */
const RAW_CONTROL =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
  /[\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/** Every line of a `--json` run's stderr, parsed (JSON.parse throws on prose). */
function jsonLines(stderr: string): Record<string, unknown>[] {
  return stderr
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

/** A terminal (pseudo-TTY) with a desktop whose browser records what it is asked to open. */
async function desktop(home: string) {
  const browser = await fakeBrowser();
  cleanups.push(browser.remove);
  const env = { HOME: home, DISPLAY: ':0', PATH: `${browser.bin}:${process.env.PATH}` };
  return { browser, env };
}

/**
 * A server that is not Latchkey's, on a free loopback port: `answer` gets each
 * request with its JSON body and returns the status and body to send.
 */
async function hostileServer(
  answer: (req: IncomingMessage, body: unknown) => { status: number; body: unknown },
): Promise<string> {
  const http = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    let text = '';
    for await (const chunk of req) text += chunk;
    const { status, body } = answer(req, text ? JSON.parse(text) : null);
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  );
  return `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
}

describe('what a server, or the network, cannot make the CLI do', () => {
  it('cli: refuses http to a non-loopback host', async () => {
    const { home, remove } = await tempHome();
    cleanups.push(remove);
    const run = (args: string[], env: Record<string, string> = {}) =>
      runCli(args, { HOME: home, ...env }).done;

    for (const url of [
      'http://example.invalid',
      'http://192.0.2.10:8080',
      'http://127.0.0.1.example.invalid',
      'http://localhost.example.invalid',
      'http://[fd00::1]',
    ]) {
      const res = await run(['login', '--base-url', url]);
      expect([url, res.code]).toEqual([url, EXIT_CODES.USAGE]);
      expect(res.stderr).toBe(
        `latchkey: Refusing to send a token over plain HTTP to ${new URL(url).origin}: ` +
          'use https://, or pass --insecure if this network is trusted\n',
      );
    }
    const json = await run(['login', '--base-url', 'http://example.invalid', '--json']);
    expect(JSON.parse(json.stderr).error).toMatchObject({ code: 'INSECURE_BASE_URL', exitCode: 2 });

    // From the environment, and from a saved login, the same.
    const token = `lk_${'A'.repeat(16)}_${'b'.repeat(43)}`;
    const fromEnv = await run(['whoami'], {
      LATCHKEY_TOKEN: token,
      LATCHKEY_BASE_URL: 'http://example.invalid',
    });
    expect(fromEnv.code).toBe(EXIT_CODES.USAGE);
    await mkdir(join(home, '.config', 'latchkey'), { recursive: true });
    await writeFile(
      join(home, '.config', 'latchkey', 'token'),
      JSON.stringify({ baseUrl: 'http://example.invalid/auth', token, scopes: [], savedAt: '' }),
      { mode: 0o600 },
    );
    expect((await run(['whoami'])).code).toBe(EXIT_CODES.USAGE);
    expect((await run(['logout'])).code).toBe(EXIT_CODES.USAGE);

    // --insecure lets it through (to a name that never resolves: RFC 6761 §6.4), with a warning.
    const insecure = await run(['login', '--base-url', 'http://example.invalid', '--insecure']);
    expect(insecure.code).toBe(EXIT_CODES.UNREACHABLE);
    expect(insecure.stderr.split('\n')[0]).toBe(
      'latchkey: warning: --insecure: the token travels unencrypted to http://example.invalid',
    );
    // Loopback needs no flag: these fail only because nothing listens there.
    for (const url of [
      'http://localhost:9',
      'http://127.4.5.6:9',
      'http://[::1]:9',
      'http://127.1:9',
    ]) {
      const res = await run(['login', '--base-url', url]);
      expect([url, res.code]).toEqual([url, EXIT_CODES.UNREACHABLE]);
    }
  });

  it("cli: opens only links on the server's origin", async () => {
    // The server's own approval page: opened, with the link as one argument.
    const { live, home, ada } = await setup();
    const { browser, env } = await desktop(home);
    const cli = runCli(['login', '--base-url', live.url], env, { terminal: true });
    const opened = await browser.waitForOpen();
    const [, userCode] = await cli.waitForStderr(USER_CODE);
    expect(opened).toEqual([`${live.url}/device?user_code=${userCode}`]);
    expect(await cli.waitForStderr(/Opened your browser at:/)).toBeTruthy();
    await approve(ada, userCode!);
    expect((await cli.done).code).toBe(EXIT_CODES.OK);

    // A server whose approval page is on another origin (deviceFlow.verificationUri
    // may legitimately say so): the link is printed with a warning, never opened.
    const elsewhere = await setup({
      deviceFlow: { interval: 1, verificationUri: 'https://id.example/activate' },
    });
    const second = await desktop(elsewhere.home);
    const other = runCli(['login', '--base-url', elsewhere.live.url], second.env, {
      terminal: true,
    });
    const [, otherCode] = await other.waitForStderr(USER_CODE);
    await approve(elsewhere.ada, otherCode!);
    const res = await other.done;
    expect(res.code).toBe(EXIT_CODES.OK);
    expect(res.stderr).toContain(
      `latchkey: warning: the server's approval link is not on ${elsewhere.live.url}, so it was ` +
        'not opened; open it only if you expected this server to send you there\r\n' +
        'To approve, open this link in a browser:\r\n' +
        `  https://id.example/activate?user_code=${otherCode}\r\n`,
    );
    // The opener runs (detached) before the prompt is printed, a poll interval
    // (1 s) before the CLI can exit: had it run, it would have written by now.
    expect(await second.browser.opened()).toEqual([]);
  });

  it('cli: strips control characters from what the server sends', async () => {
    const { live, run } = await setup();
    // The wire schemas refuse C0 controls in names; C1 controls and bidi overrides pass them.
    const displayName = 'Ada \u202eevil\u202c \u2066x\u2069 \u009b2Jcleared';
    const person = live.server.browser();
    expect((await person.signUp({ displayName })).status).toBe(201);
    const userId = (await person.call('GET', '/auth/session')).body.user.id;
    const { token } = await live.server.latchkey.api.tokens.create(userId, {
      name: 'ci \u202egnp.exe\u009b31m',
      scopes: ['read'],
    });
    const env = { LATCHKEY_TOKEN: token, LATCHKEY_BASE_URL: live.url };

    const who = await run(['whoami'], env);
    expect(who.code).toBe(EXIT_CODES.OK);
    expect(who.stdout.split('\n')[0]).toBe('Ada evil x cleared');
    expect(who.stdout).not.toMatch(RAW_CONTROL);
    const list = await run(['token', 'list'], env);
    expect(list.code).toBe(EXIT_CODES.OK);
    expect(list.stdout).toContain('ci gnp.exe');
    expect(list.stdout).not.toMatch(RAW_CONTROL);

    // --json keeps the data whole for a parser, as \uXXXX escapes a terminal does not act on.
    const whoJson = await run(['whoami', '--json'], env);
    expect(whoJson.stdout).not.toMatch(RAW_CONTROL);
    expect(whoJson.stdout).toContain('\\u202e');
    expect(JSON.parse(whoJson.stdout).user.displayName).toBe(displayName);
    const listJson = await run(['token', 'list', '--json'], env);
    expect(listJson.stdout).not.toMatch(RAW_CONTROL);
    expect(JSON.parse(listJson.stdout).tokens[0].name).toBe('ci \u202egnp.exe\u009b31m');
  });

  it('cli: makes an existing token folder 0700 and the token file 0600', async () => {
    const { live, home, ada, tokenFile } = await setup();
    const folder = join(home, '.config', 'latchkey');
    await mkdir(folder, { recursive: true });
    await chmod(folder, 0o755);
    await writeFile(
      tokenFile,
      JSON.stringify({
        baseUrl: `${live.url}/auth`,
        token: `lk_${'A'.repeat(16)}_${'b'.repeat(43)}`,
        scopes: ['read'],
        savedAt: '2026-01-01T00:00:00.000Z',
      }),
    );
    await chmod(tokenFile, 0o644);
    expect((await login(live, home, ada)).code).toBe(EXIT_CODES.OK);
    expect((await stat(folder)).mode & 0o777).toBe(0o700);
    expect((await stat(tokenFile)).mode & 0o777).toBe(0o600);
  });

  it('cli: under --json, warnings are JSON lines on stderr', async () => {
    const { live, home, ada, tokenFile, run } = await setup();
    const cli = runCli(['login', '--base-url', live.url, '--json'], {
      HOME: home,
      LATCHKEY_TOKEN: 'set-elsewhere',
    });
    const [, userCode] = await cli.waitForStderr(USER_CODE);
    await approve(ada, userCode!);
    const logged = await cli.done;
    expect(logged.code).toBe(EXIT_CODES.OK);
    const lines = jsonLines(logged.stderr);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ user_code: userCode });
    expect(lines[1]).toEqual({
      warning: {
        code: 'LATCHKEY_TOKEN_OVERRIDES',
        message: 'LATCHKEY_TOKEN is set, and overrides this login while it is',
      },
    });

    await chmod(tokenFile, 0o644);
    const who = await run(['whoami', '--json']);
    expect(who.code).toBe(EXIT_CODES.OK);
    expect(JSON.parse(who.stdout).user.email).toBe('ada@example.com');
    expect(jsonLines(who.stderr)).toEqual([
      {
        warning: {
          code: 'TOKEN_FILE_SHARED',
          message: `${tokenFile} is readable by others; run chmod 600 ${tokenFile}`,
        },
      },
    ]);

    const insecure = await run([
      'login',
      '--base-url',
      'http://example.invalid',
      '--insecure',
      '--json',
    ]);
    expect(insecure.code).toBe(EXIT_CODES.UNREACHABLE);
    expect(jsonLines(insecure.stderr)).toEqual([
      { warning: expect.objectContaining({ code: 'INSECURE_TRANSPORT' }) },
      { error: expect.objectContaining({ code: 'NETWORK_ERROR', exitCode: 4 }) },
    ]);
  });

  it('cli: a hostile server gets no browser opened elsewhere and no escapes to the terminal', async () => {
    const userCode = '\u001b[2J\u001b[HAB\u001b]0;pwned\u0007CD-EF\u009b1mGH\u202e\u0008';
    const url = await hostileServer((req) => {
      if (req.url === '/auth/device/code')
        return {
          status: 200,
          body: {
            device_code: 'd'.repeat(32),
            user_code: userCode,
            verification_uri: 'https://evil.example/device\u001b[8m',
            verification_uri_complete: 'https://evil.example/device?user_code=ABCD-EFGH',
            expires_in: 600,
            interval: 1,
          },
        };
      return {
        status: 403,
        body: {
          error: {
            code: 'FORBIDDEN',
            message:
              '\u001b]8;;https://evil.example\u0007Click here\u001b]8;;\u0007 \u001b[1A\u001b[2Kok\u202egnp.exe',
          },
        },
      };
    });
    const { home, remove } = await tempHome();
    cleanups.push(remove);
    const { browser, env } = await desktop(home);

    const res = await runCli(['login', '--base-url', url], env, { terminal: true }).done;
    expect(res.code).toBe(EXIT_CODES.FORBIDDEN);
    expect(res.stderr).not.toMatch(RAW_CONTROL);
    expect(res.stderr).toContain(
      'To approve, open this link in a browser:\r\n' +
        '  https://evil.example/device?user_code=ABCD-EFGH\r\n' +
        'and check that it shows the code  ABCD-EFGH  before you confirm with your passkey.',
    );
    expect(res.stderr).toContain(`latchkey: warning: the server's approval link is not on ${url}`);
    expect(res.stderr).toContain('latchkey: Click here okgnp.exe\r\n');
    // Opening comes before the prompt, a poll interval (1 s) before the exit.
    expect(await browser.opened()).toEqual([]);

    // --json: the prompt is stripped too (it is shown to a person); the error
    // message is kept whole for a parser, escaped.
    const json = await runCli(['login', '--base-url', url, '--json'], { HOME: home }).done;
    expect(json.code).toBe(EXIT_CODES.FORBIDDEN);
    expect(json.stderr).not.toMatch(RAW_CONTROL);
    const [warning, prompt, failure] = jsonLines(json.stderr);
    expect(warning).toMatchObject({ warning: { code: 'LINK_ON_OTHER_ORIGIN' } });
    expect(prompt).toMatchObject({
      user_code: 'ABCD-EFGH',
      verification_uri: 'https://evil.example/device',
    });
    expect(failure).toMatchObject({ error: { code: 'FORBIDDEN', exitCode: 8 } });
    expect((failure as { error: { message: string } }).error.message).toContain('\u001b]8;;');
  });
});
