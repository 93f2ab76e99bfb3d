import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { startFaultProxy } from '../../../test/fault-proxy.js';
import { makeUser } from '../conformance/fixtures.js';
import { describeStoreConformance } from '../conformance.js';
import { StoreUnavailableError } from '../contract.js';
import { MIGRATIONS } from '../sql/migrations.js';
import { postgresStore } from './postgres-store.js';

const databaseUrl = process.env.DATABASE_URL;
const skipReason = 'DATABASE_URL is not set: the PostgreSQL store tests are skipped';
if (databaseUrl === undefined) console.warn(`⚠ ${skipReason}`);

/** A schema of its own for each run, dropped at the end. */
const runId = `${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
const schemas: string[] = [];
function freshSchema(label: string): string {
  const schema = `latchkey_test_${label}_${runId}`;
  schemas.push(schema);
  return schema;
}

describe.skipIf(databaseUrl === undefined)('postgresStore (needs DATABASE_URL)', () => {
  const url = databaseUrl ?? '';
  const schema = freshSchema('conformance');
  const admin = new pg.Pool({ connectionString: url, max: 2 });

  afterAll(async () => {
    for (const name of schemas) await admin.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
    await admin.end();
  });

  describeStoreConformance('postgresStore', async () =>
    postgresStore({ connectionString: url, schema }),
  );

  it('lets two instances sharing the database see each other’s challenges', async () => {
    const a = postgresStore({ connectionString: url, schema });
    const b = postgresStore({ connectionString: url, schema });
    try {
      await a.migrate();
      const challenge = `challenge-${runId}`;
      await a.putChallenge({
        challenge,
        kind: 'authentication',
        binding: 'pre:abc',
        userId: null,
        rpId: 'example.com',
        expiresAt: Date.now() + 300_000,
        data: {},
      });
      const [fromB, fromA] = await Promise.all([
        b.consumeChallenge(challenge, Date.now()),
        a.consumeChallenge(challenge, Date.now()),
      ]);
      expect([fromA, fromB].filter((r) => r !== null).map((r) => r?.challenge)).toEqual([
        challenge,
      ]);
      expect((await b.hitRateLimit(`rl-${runId}`, 60_000, Date.now())).count).toBe(1);
      expect((await a.hitRateLimit(`rl-${runId}`, 60_000, Date.now())).count).toBe(2);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('migrates a fresh schema exactly once when several instances start together', async () => {
    const fresh = freshSchema('race');
    const stores = Array.from({ length: 4 }, () =>
      postgresStore({ connectionString: url, schema: fresh }),
    );
    try {
      await Promise.all(stores.map((store) => store.migrate()));
      const { rows } = await admin.query<{ version: number }>(
        `SELECT version FROM "${fresh}".schema_migrations ORDER BY version`,
      );
      expect(rows.map((row) => row.version)).toEqual(MIGRATIONS.map((m) => m.version));
      await stores[0]!.migrate();
      expect(await stores[1]!.markOnce(`jti-${runId}`, Date.now() + 60_000)).toBe(true);
      expect(await stores[2]!.markOnce(`jti-${runId}`, Date.now() + 60_000)).toBe(false);
    } finally {
      await Promise.all(stores.map((store) => store.close()));
    }
  });

  it('uses a pool it is given and leaves it open on close', async () => {
    const pool = new pg.Pool({ connectionString: url, max: 3 });
    try {
      const store = postgresStore({ pool, schema });
      await store.migrate();
      expect(await store.markOnce(`jti-pool-${runId}`, Date.now() + 60_000)).toBe(true);
      await store.close();
      await expect(store.markOnce(`jti-pool-${runId}`, Date.now() + 60_000)).rejects.toBeInstanceOf(
        StoreUnavailableError,
      );
      expect((await pool.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    } finally {
      await pool.end();
    }
  });
});

describe.skipIf(databaseUrl === undefined)(
  'postgresStore when PostgreSQL crashes (needs DATABASE_URL)',
  () => {
    const url = databaseUrl ?? '';
    const admin = new pg.Pool({ connectionString: url, max: 2 });
    afterAll(() => admin.end());

    // A crash, a restart or an operator's pg_terminate_backend all end the store's
    // connections, some of them checked out mid-transaction. pg emits 'error' on
    // such a client, and an unheard 'error' event used to end the whole process.
    it('lives through the loss of every connection while transactions are open', async () => {
      const schema = freshSchema('crash');
      const applicationName = `latchkey_crash_${runId}`;
      const inFlight = 4;
      const child = spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          fileURLToPath(new URL('../../../test/fixtures/postgres-crash-child.ts', import.meta.url)),
        ],
        {
          env: {
            ...process.env,
            CRASH_DATABASE_URL: `${url}${url.includes('?') ? '&' : '?'}application_name=${applicationName}`,
            CRASH_SCHEMA: schema,
            CRASH_IN_FLIGHT: String(inFlight),
          },
          stdio: ['pipe', 'pipe', 'pipe'],
        },
      );
      let stderr = '';
      child.stderr.on('data', (chunk) => {
        stderr += chunk;
      });
      const exited = new Promise<number | null>((resolve) =>
        child.on('exit', (code) => resolve(code)),
      );
      const messages = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
      const next = async () => {
        const { value, done } = await messages.next();
        if (done) throw new Error(`the store process ended early: ${stderr}`);
        return JSON.parse(value) as { event: string; [key: string]: unknown };
      };

      const ready = await next();
      expect(ready.event).toBe('ready');
      const holder = await admin.connect();
      try {
        await holder.query('BEGIN');
        await holder.query(`SELECT id FROM "${schema}".users WHERE id = $1 FOR UPDATE`, [
          ready.userId,
        ]);
        child.stdin.end('go\n');
        // Wait until every transaction is open and blocked on the row we hold.
        for (;;) {
          const { rows } = await admin.query<{ waiting: number }>(
            `SELECT count(*)::int AS waiting FROM pg_stat_activity
            WHERE application_name = $1 AND wait_event_type = 'Lock'`,
            [applicationName],
          );
          if (rows[0]!.waiting >= inFlight) break;
          await new Promise((resolve) => setImmediate(resolve));
        }
        // In the select list, not the WHERE clause: PostgreSQL may evaluate a
        // WHERE clause's terms in any order and end other sessions too.
        const { rows: killed } = await admin.query<{ terminated: boolean }>(
          `SELECT pg_terminate_backend(pid) AS terminated FROM pg_stat_activity
            WHERE application_name = $1`,
          [applicationName],
        );
        expect(killed.filter((row) => row.terminated).length).toBeGreaterThanOrEqual(inFlight);
      } finally {
        await holder.query('ROLLBACK');
        holder.release();
      }

      const outcomes = await next();
      expect(outcomes).toEqual({
        event: 'outcomes',
        outcomes: Array(inFlight).fill('unavailable'),
      });
      expect(await next()).toEqual({ event: 'recovered', found: true, codes: 1 });
      expect(await next()).toEqual({ event: 'watching', live: true });
      expect(await exited).toBe(0);
      expect(stderr).not.toMatch(/Unhandled|Connection terminated/);
    });
  },
);

describe.skipIf(databaseUrl === undefined)(
  'postgresStore watchSessions when its connection is lost (needs DATABASE_URL)',
  () => {
    const url = databaseUrl ?? '';
    const admin = new pg.Pool({ connectionString: url, max: 2 });
    afterAll(() => admin.end());

    // The listening connection is one of the store's own: killed (a restart, an
    // operator's pg_terminate_backend), it must neither end the process with an
    // unheard 'error' nor leave the watch looking live while it hears nothing.
    it('reports "*" and is not live until its connection is back, then hears changes again', async () => {
      const schema = freshSchema('watch');
      const applicationName = `latchkey_watch_${runId}`;
      const store = postgresStore({
        connectionString: `${url}${url.includes('?') ? '&' : '?'}application_name=${applicationName}`,
        schema,
      });
      const reports: { userId: string; live: boolean }[] = [];
      let wake = () => {};
      // Resolves once `check` holds, looking again at each report; never sleeps.
      const until = (check: () => boolean) =>
        new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error('no such report within 5 s')), 5_000);
          wake = () => {
            if (!check()) return;
            clearTimeout(timer);
            resolve();
          };
          wake();
        });
      try {
        await store.migrate();
        const watch = await store.watchSessions!((userId) => {
          reports.push({ userId, live: watch.live });
          wake();
        });
        expect(watch.live).toBe(true);

        const { rows } = await admin.query<{ terminated: boolean }>(
          `SELECT pg_terminate_backend(pid) AS terminated FROM pg_stat_activity
            WHERE application_name = $1`,
          [applicationName],
        );
        expect(rows.some((row) => row.terminated)).toBe(true);
        await until(() => reports.filter((r) => r.userId === '*').length >= 2);
        // Down first (changes may be missed from here), then back (some may have been).
        expect(reports.filter((r) => r.userId === '*').map((r) => r.live)).toEqual([false, true]);
        expect(watch.live).toBe(true);

        const user = makeUser();
        await store.createUser({ user, recoveryCodeHashes: [] });
        await store.updateUser(user.id, { tier: 'locked' });
        await until(() => reports.some((r) => r.userId === user.id));
        await watch.close();
        expect(watch.live).toBe(false);
      } finally {
        await store.close();
      }
    });
  },
);

describe.skipIf(databaseUrl === undefined)(
  'postgresStore when PostgreSQL stops answering (needs DATABASE_URL)',
  () => {
    const url = new URL(databaseUrl ?? 'postgres://127.0.0.1:5432/postgres');

    // pg waits for an answer forever by default: a blackholed connection held its
    // request, and its pooled connection, for good.
    it('finding: fails a statement and a transaction on a blackholed connection after its timeout, then recovers', async () => {
      const proxy = await startFaultProxy(Number(url.port || 5432), url.hostname);
      const through = new URL(url);
      through.host = proxy.address;
      const schema = freshSchema('hole');
      const store = postgresStore({ connectionString: through.href, schema, timeout: 300 });
      try {
        await store.migrate();
        proxy.set('blackhole');
        for (const pending of [
          store.getUser('user-1'),
          store.replaceRecoveryCodes('user-1', ['a']), // a transaction
        ]) {
          const started = performance.now();
          await expect(pending).rejects.toBeInstanceOf(StoreUnavailableError);
          expect(performance.now() - started).toBeLessThan(2_000);
        }
        proxy.set('pass');
        expect(await store.getUser('user-1')).toBeNull();
      } finally {
        await store.close();
        await proxy.close();
      }
    });
  },
);

describe('postgresStore when PostgreSQL cannot be reached', () => {
  it('throws StoreUnavailableError for a closed port', async () => {
    const port = await closedPort();
    const store = postgresStore({
      connectionString: `postgres://postgres@127.0.0.1:${port}/postgres`,
    });
    try {
      const migrating = await store.migrate().catch((error: unknown) => error);
      expect(migrating).toBeInstanceOf(StoreUnavailableError);
      expect((migrating as Error).cause).toMatchObject({ code: 'ECONNREFUSED' });
      await expect(store.getUser('user-1')).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(store.consumeChallenge('c', Date.now())).rejects.toBeInstanceOf(
        StoreUnavailableError,
      );
    } finally {
      await store.close();
    }
  });

  it('refuses a schema name that is not a plain identifier', () => {
    expect(() =>
      postgresStore({ connectionString: 'postgres://localhost/x', schema: 'a-b' }),
    ).toThrow(TypeError);
  });
});

/** A loopback port that was just free: bound, then released. */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address !== null && typeof address === 'object') resolve(address.port);
        else reject(new Error('no port'));
      });
    });
  });
}
