// The SMTP round trip: a real SMTP server (smtp-server) with STARTTLS on a
// certificate made for this run, and nodemailer talking to it.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestServer } from '../../test/harness.js';
import { renderEmail } from './email-templates.js';
import { smtpTransport } from './smtp-transport.js';

interface Arrival {
  from: string | undefined;
  to: string[];
  raw: string;
  secure: boolean;
  user: string | undefined;
}

let dir: string;
let key: string;
let cert: string;
const servers: SMTPServer[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'latchkey-smtp-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  key = readFileSync(join(dir, 'key.pem'), 'utf8');
  cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((r) => s.close(() => r()))));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Starts an SMTP server on a free port; `arrivals` fills as messages come in. */
async function startServer(options: Partial<SMTPServerOptions> = {}) {
  const arrivals: Arrival[] = [];
  const server = new SMTPServer({
    key,
    cert,
    secure: false,
    authOptional: false,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === 'mailer' && auth.password === 's3cret/pass')
        return callback(null, { user: auth.username });
      return callback(new Error('bad credentials'));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        arrivals.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined,
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
          secure: session.secure,
          user: session.user as string | undefined,
        });
        callback();
      });
    },
    ...options,
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return { port, arrivals };
}

/** Decodes a quoted-printable body (RFC 2045 §6.7). */
function decodeQp(text: string): string {
  const bytes = Buffer.from(
    text
      .replace(/=\r?\n/g, '')
      .replace(/=([0-9A-F]{2})/g, (_, hex) => String.fromCharCode(parseInt(hex, 16))),
    'latin1',
  );
  return bytes.toString('utf8');
}

const values = {
  appName: 'Acme <Tools>',
  email: 'ada@example.com',
  minutes: 15,
  url: 'https://acme.example/auth/email-link#token=abc',
};

describe('smtpTransport', () => {
  it('delivers both parts over STARTTLS with authentication', async () => {
    const { port, arrivals } = await startServer();
    const transport = smtpTransport(`smtp://mailer:s3cret%2Fpass@localhost:${port}`, { ca: cert });
    const rendered = renderEmail('magicLink', values, {});
    await transport.send({
      from: 'Acme <no-reply@acme.example>',
      to: 'ada@example.com',
      template: 'magicLink',
      ...rendered,
    });
    expect(arrivals).toHaveLength(1);
    const [mail] = arrivals;
    expect(mail!.secure).toBe(true);
    expect(mail!.user).toBe('mailer');
    expect(mail!.from).toBe('no-reply@acme.example');
    expect(mail!.to).toEqual(['ada@example.com']);
    const body = decodeQp(mail!.raw);
    expect(mail!.raw).toMatch(/^Subject: Your sign-in link for Acme <Tools>\r?$/m);
    expect(mail!.raw).toMatch(/^X-Latchkey-Template: magicLink\r?$/m);
    expect(mail!.raw).toMatch(/Content-Type: text\/plain/);
    expect(mail!.raw).toMatch(/Content-Type: text\/html/);
    expect(body).toContain('Sign in to Acme <Tools>');
    expect(body).toContain('Sign in to Acme &lt;Tools&gt;');
    expect(body).toContain('href="https://acme.example/auth/email-link#token=abc"');
  });

  it('refuses to send in clear text to a server without STARTTLS', async () => {
    const { port, arrivals } = await startServer({ disabledCommands: ['STARTTLS'] });
    const transport = smtpTransport(`smtp://mailer:s3cret%2Fpass@localhost:${port}`, { ca: cert });
    await expect(
      transport.send({
        from: 'a@acme.example',
        to: 'b@example.com',
        template: 't',
        subject: 's',
        text: 't',
        html: 'h',
      }),
    ).rejects.toThrow();
    expect(arrivals).toHaveLength(0);
  });

  it('refuses a certificate it cannot verify', async () => {
    const { port, arrivals } = await startServer();
    const transport = smtpTransport(`smtp://mailer:s3cret%2Fpass@localhost:${port}`);
    await expect(
      transport.send({
        from: 'a@acme.example',
        to: 'b@example.com',
        template: 't',
        subject: 's',
        text: 't',
        html: 'h',
      }),
    ).rejects.toThrow(/certificate/i);
    expect(arrivals).toHaveLength(0);
  });

  it('carries a sign-in link from the server to the mailbox, and the link signs in', async () => {
    const { port, arrivals } = await startServer();
    const server = createTestServer({
      email: {
        from: 'Latchkey Test <no-reply@localhost>',
        transport: smtpTransport(`smtp://mailer:s3cret%2Fpass@localhost:${port}`, { ca: cert }),
      },
      fallbacks: { magicLink: true },
    });
    // An account from before email was set up: its address is on it already.
    await server.store.createUser({
      user: {
        id: 'u1',
        email: 'ada@example.com',
        emailVerified: false,
        externalId: null,
        displayName: null,
        userHandle: 'aGFuZGxl',
        tier: 'standard',
        prfSalt: 'c2FsdA',
        createdAt: server.clock.now,
      },
      credential: {
        id: 'c1',
        userId: 'u1',
        credentialId: 'Y3JlZA',
        publicKey: new Uint8Array([1]),
        counter: 0,
        transports: [],
        deviceType: 'multiDevice',
        backedUp: true,
        aaguid: '00000000-0000-0000-0000-000000000000',
        name: 'Passkey',
        providerName: 'Passkey',
        providerIcon: null,
        createdWith: { browser: 'Chrome', os: 'macOS', deviceType: 'desktop' },
        status: 'active',
        rpId: 'localhost',
        prf: false,
        wrappedKey: null,
        createdAt: server.clock.now,
        lastUsedAt: null,
      },
      recoveryCodeHashes: [],
    });
    const browser = server.browser();
    const ask = await browser.call('POST', '/auth/email/link-options', {
      email: 'ada@example.com',
    });
    expect(ask.status).toBe(200);
    await server.latchkey.settled();
    expect(arrivals).toHaveLength(1);
    expect(arrivals[0]!.secure).toBe(true);
    expect(arrivals[0]!.to).toEqual(['ada@example.com']);
    const token = /#token=([A-Za-z0-9_-]{43})/.exec(decodeQp(arrivals[0]!.raw))?.[1];
    expect(token).toBeDefined();
    const open = await browser.call('POST', '/auth/email/verify', { token });
    expect(open.status).toBe(200);
    expect(open.body.session.kind).toBe('email');
    expect(open.body.user.emailVerified).toBe(true);
  });

  it('refuses URLs that are not SMTP', () => {
    expect(() => smtpTransport('https://mail.example')).toThrow(TypeError);
    expect(() => smtpTransport('not a url')).toThrow(TypeError);
  });
});
