// The demo server over plain HTTP: what it serves, where, and how it refuses.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createDemoServer, type DemoServer } from '../server/create-demo-server.js';
import { demoOrigins, parseOriginList } from '../server/demo-origins.js';

let dataDir: string;
let demo: DemoServer;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'latchkey-e2e-server-'));
  demo = await createDemoServer({ port: 0, dataDir, origins: ['https://demo.example.ts.net/'] });
});

afterAll(async () => {
  await demo?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('the demo server', () => {
  test('listens on localhost and accepts its loopback origins and the extra ones', () => {
    expect(demo.url).toBe(`http://localhost:${demo.port}`);
    expect(demo.origins).toEqual([
      `http://localhost:${demo.port}`,
      `http://127.0.0.1:${demo.port}`,
      'https://demo.example.ts.net',
    ]);
  });

  test('answers /api/me with 401 JSON without a session', async () => {
    const response = await fetch(`${demo.url}/api/me`);
    expect(response.status).toBe(401);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });
  });

  test('treats a session cookie it does not know as no session', async () => {
    const response = await fetch(`${demo.url}/api/me`, {
      headers: { cookie: 'latchkey=forged-session-secret' },
    });
    expect(response.status).toBe(401);
  });

  test('mounts Latchkey at /auth', async () => {
    const response = await fetch(`${demo.url}/auth/session`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      user: null,
      session: null,
      rp: { id: 'localhost', grace: true, signUp: 'open' },
    });
  });

  test('answers unknown API paths with a JSON 404', async () => {
    for (const path of ['/auth/no-such-route', '/api/no-such-route']) {
      const response = await fetch(`${demo.url}${path}`);
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({ error: { code: 'ROUTE_NOT_FOUND' } });
    }
  });

  test('refuses ceremonies from an origin it does not list', async () => {
    const ask = (origin: string) =>
      fetch(`${demo.url}/auth/passkeys/auth-options`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin },
        body: '{}',
      });
    const foreign = await ask('https://evil.example');
    expect(foreign.status).toBe(403);
    expect(await foreign.json()).toMatchObject({ error: { code: 'ORIGIN_NOT_ALLOWED' } });
    const loopback = await ask(`http://127.0.0.1:${demo.port}`);
    expect(loopback.status).toBe(200);
  });

  test('serves the built app, with index.html for every client-side route', async () => {
    const home = await fetch(`${demo.url}/`);
    expect(home.status).toBe(200);
    const html = await home.text();
    expect(html).toContain('<div id="root"></div>');

    for (const path of ['/sign-in', '/account', '/pair', '/me/']) {
      const page = await fetch(`${demo.url}${path}`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toContain('text/html');
      expect(await page.text()).toBe(html);
    }

    const script = html.match(/src="(\/assets\/[^"]+\.js)"/)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`${demo.url}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toContain('immutable');

    const missing = await fetch(`${demo.url}/assets/no-such-file.js`);
    expect(missing.status).toBe(404);
  });

  test('says how to build the app when dist/ is missing', async () => {
    const emptyDist = await mkdtemp(join(tmpdir(), 'latchkey-e2e-dist-'));
    const bare = await createDemoServer({
      port: 0,
      dataDir: join(emptyDist, 'data'),
      distDir: emptyDist,
    });
    try {
      const response = await fetch(`${bare.url}/account`);
      expect(response.status).toBe(503);
      expect(await response.text()).toContain('npm run build --workspace @latchkey/demo');
    } finally {
      await bare.close();
      await rm(emptyDist, { recursive: true, force: true });
    }
  });

  test('frees its port on close', async () => {
    const other = await mkdtemp(join(tmpdir(), 'latchkey-e2e-close-'));
    const first = await createDemoServer({ port: 0, dataDir: other });
    const { port } = first;
    await first.close();
    await expect(fetch(`http://localhost:${port}/auth/session`)).rejects.toThrow();
    // The same port and folder can be used again at once.
    const second = await createDemoServer({ port, dataDir: other });
    try {
      expect((await fetch(`${second.url}/auth/session`)).status).toBe(200);
    } finally {
      await second.close();
      await rm(other, { recursive: true, force: true });
    }
  });
});

describe('starting up', () => {
  test('answers 503 with Retry-After at once while the store opens, then serves', async () => {
    const fresh = await mkdtemp(join(tmpdir(), 'latchkey-e2e-starting-'));
    let listened!: (url: string) => void;
    const listening = new Promise<string>((resolve) => {
      listened = resolve;
    });
    const starting = createDemoServer({ port: 0, dataDir: fresh, onListening: listened });
    // The first requests go out as soon as the sockets listen, on a folder PGlite has never opened.
    const early = listening.then((url) =>
      Promise.all([
        fetch(`${url}/auth/session`),
        fetch(`${url}/api/me`),
        fetch(`${url}/account`, { headers: { accept: 'text/html' } }),
      ]),
    );
    // Answered before the store is open: nothing waits for it.
    const first = await Promise.race([
      early.then(() => 'answered' as const),
      starting.then(() => 'store opened' as const),
    ]);
    const started = await starting;
    try {
      expect(first).toBe('answered');
      const [session, me, page] = await early;
      for (const api of [session!, me!]) {
        expect(api.status).toBe(503);
        expect(api.headers.get('retry-after')).toBe('1');
        expect(api.headers.get('cache-control')).toBe('no-store');
        expect(await api.json()).toMatchObject({ error: { code: 'STORE_UNAVAILABLE' } });
      }
      expect(page!.status).toBe(503);
      expect(page!.headers.get('retry-after')).toBe('1');
      expect(page!.headers.get('content-type')).toContain('text/html');
      const html = await page!.text();
      expect(html).toContain('<html lang="en">');
      expect(html).toContain('<meta http-equiv="refresh" content="1">');
      expect(html).toContain('<p role="status">Starting…');

      // Once `createDemoServer` resolves, the same requests are served.
      const ready = await fetch(`${started.url}/auth/session`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ user: null });
    } finally {
      await started.close();
      await rm(fresh, { recursive: true, force: true });
    }
  });
});

describe('the handoff listener', () => {
  test('serves the same app on 127.0.0.1, offers it for handoff, and frees both ports', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'latchkey-e2e-handoff-'));
    const both = await createDemoServer({ port: 0, handoffPort: 0, dataDir: folder });
    const handoffUrl = both.handoffUrl!;
    try {
      expect(handoffUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(handoffUrl).not.toBe(`http://127.0.0.1:${both.port}`);
      expect(both.origins).toEqual([
        `http://localhost:${both.port}`,
        `http://127.0.0.1:${both.port}`,
        handoffUrl,
      ]);
      // One Latchkey behind both: the second origin is allowed to run ceremonies.
      const options = await fetch(`${handoffUrl}/auth/passkeys/auth-options`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: handoffUrl },
        body: '{}',
      });
      expect(options.status).toBe(200);
      const page = await fetch(`${handoffUrl}/account`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<div id="root"></div>');
      // Handoff targets are for a signed-in page only.
      const targets = await fetch(`${both.url}/api/handoff-targets`);
      expect(targets.status).toBe(401);
      expect(await targets.json()).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });
    } finally {
      await both.close();
    }
    await expect(fetch(`${handoffUrl}/auth/session`)).rejects.toThrow();
    await expect(fetch(`${both.url}/auth/session`)).rejects.toThrow();
    await rm(folder, { recursive: true, force: true });
  });

  test('has no second listener unless asked', () => {
    expect(demo.handoffUrl).toBeNull();
  });
});

describe('demo origins', () => {
  test('adds a named listening host and drops duplicates and trailing slashes', () => {
    expect(
      demoOrigins({
        port: 3000,
        host: 'box.lan',
        extra: ['http://box.lan:3000/', ' https://a.example '],
      }),
    ).toEqual([
      'http://localhost:3000',
      'http://127.0.0.1:3000',
      'http://box.lan:3000',
      'https://a.example',
    ]);
    expect(demoOrigins({ port: 8080, host: '0.0.0.0', extra: [] })).toEqual([
      'http://localhost:8080',
      'http://127.0.0.1:8080',
    ]);
  });

  test('reads LATCHKEY_ORIGINS separated by commas or spaces', () => {
    expect(parseOriginList('https://a.example, https://b.example  https://c.example')).toEqual([
      'https://a.example',
      'https://b.example',
      'https://c.example',
    ]);
    expect(parseOriginList(undefined)).toEqual([]);
    expect(parseOriginList('')).toEqual([]);
  });
});

const databaseUrl = process.env.DATABASE_URL;
const redisUrl = process.env.REDIS_URL;
if (!databaseUrl || !redisUrl) {
  console.warn(
    'Skipping "the demo server on PostgreSQL and Redis": set DATABASE_URL and REDIS_URL to run it.',
  );
}

describe('the demo server on PostgreSQL and Redis', () => {
  test.skipIf(!databaseUrl || !redisUrl)(
    'keeps accounts in PostgreSQL and ceremony challenges in Redis',
    async () => {
      const run = `${process.pid}_${Date.now()}`;
      const databaseSchema = `latchkey_demo_e2e_${run}`;
      const redisPrefix = `latchkey-demo-e2e:${run}:`;
      const { default: pg } = await import('pg');
      const { Redis } = await import('ioredis');
      const sql = new pg.Client({ connectionString: databaseUrl });
      const redis = new Redis(redisUrl!);
      await sql.connect();
      const scratch = await mkdtemp(join(tmpdir(), 'latchkey-e2e-pg-'));
      const shared = await createDemoServer({
        port: 0,
        dataDir: scratch,
        databaseUrl,
        redisUrl,
        databaseSchema,
        redisPrefix,
      });
      try {
        const options = await fetch(`${shared.url}/auth/passkeys/auth-options`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', origin: shared.url },
          body: '{}',
        });
        expect(options.status).toBe(200);
        const { options: request } = (await options.json()) as { options: { challenge: string } };

        // The migrations ran in the schema of its own; the challenge waits in Redis.
        const tables = await sql.query(
          'SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = $1',
          [databaseSchema],
        );
        expect(tables.rows[0].n).toBeGreaterThan(0);
        expect(await redis.exists(`${redisPrefix}challenge:${request.challenge}`)).toBe(1);
        // Nothing went to the embedded database.
        expect(await readdir(scratch)).toEqual([]);
      } finally {
        await shared.close();
        await sql.query(`DROP SCHEMA IF EXISTS "${databaseSchema}" CASCADE`);
        await sql.end();
        const keys = await redis.keys(`${redisPrefix}*`);
        if (keys.length) await redis.del(...keys);
        await redis.quit();
        await rm(scratch, { recursive: true, force: true });
      }
    },
  );
});
