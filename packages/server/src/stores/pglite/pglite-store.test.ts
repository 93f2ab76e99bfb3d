import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { makeSession, seedUser } from '../conformance/fixtures.js';
import { describeStoreConformance } from '../conformance.js';
import { StoreUnavailableError } from '../contract.js';
import { MIGRATIONS } from '../sql/migrations.js';
import { pgliteStore } from './pglite-store.js';

// Opening PGlite costs seconds: one in-memory database serves this whole file, and
// each store below is a view on it (a store given `db` never closes it).
let db: PGlite;

beforeAll(async () => {
  db = await PGlite.create();
}, 60_000);

afterAll(async () => {
  await db.close();
});

describeStoreConformance('pgliteStore', async () => pgliteStore({ db }));

describe('pgliteStore', () => {
  it('migrates a fresh schema once when two stores start together', async () => {
    const a = pgliteStore({ db, schema: 'fresh_start' });
    const b = pgliteStore({ db, schema: 'fresh_start' });
    await Promise.all([a.migrate(), b.migrate()]);
    const versions = await db.query<{ version: number }>(
      'SELECT version FROM fresh_start.schema_migrations ORDER BY version',
    );
    expect(versions.rows.map((row) => row.version)).toEqual(MIGRATIONS.map((m) => m.version));
    expect(await a.markOnce('jti-shared', Date.now() + 60_000)).toBe(true);
    expect(await b.markOnce('jti-shared', Date.now() + 60_000)).toBe(false);
  });

  it('keeps schemas apart', async () => {
    const a = pgliteStore({ db, schema: 'tenant_a' });
    const b = pgliteStore({ db, schema: 'tenant_b' });
    await a.migrate();
    await b.migrate();
    expect(await a.markOnce('jti-1', Date.now() + 60_000)).toBe(true);
    expect(await b.markOnce('jti-1', Date.now() + 60_000)).toBe(true);
  });

  it('refuses a schema name that is not a plain identifier', () => {
    expect(() => pgliteStore({ db, schema: 'x"; DROP TABLE users; --' })).toThrow(TypeError);
  });

  it('keeps data in its folder across reopenings, and closes the database it opened', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'latchkey-pglite-'));
    try {
      const first = pgliteStore({ dataDir });
      await first.migrate();
      await first.addSigningKey({
        kid: 'kid-persisted',
        alg: 'ES256',
        privateJwk: '{"d":"d"}',
        publicJwk: '{"x":"x"}',
        createdAt: 1,
        retiresAt: null,
      });
      await first.close();
      await expect(first.listSigningKeys()).rejects.toBeInstanceOf(StoreUnavailableError);

      const second = pgliteStore({ dataDir });
      await second.migrate();
      expect((await second.listSigningKeys()).map((k) => k.kid)).toEqual(['kid-persisted']);
      await second.close();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 60_000);

  it('sweeps expired short-lived rows out, at most once a minute', async () => {
    const store = pgliteStore({ db, schema: 'sweeping' });
    await store.migrate();
    const count = async (table: string) =>
      (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM sweeping.${table}`)).rows[0]
        ?.n;
    const now = Date.now();
    await store.putChallenge({
      challenge: 'stale',
      kind: 'authentication',
      binding: 'pre:x',
      userId: null,
      rpId: 'example.com',
      expiresAt: now - 1,
      data: {},
    });
    await store.markOnce('stale-jti', now - 1);
    await store.hitRateLimit('stale-key', 1, now - 10);
    expect([
      await count('challenges'),
      await count('once_markers'),
      await count('rate_limits'),
    ]).toEqual([1, 1, 1]);

    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      // Past the sweep interval and the grace period: the next write sweeps.
      vi.setSystemTime(now + 121_000);
      await store.markOnce('fresh-jti', Date.now() + 60_000);
      expect([
        await count('challenges'),
        await count('once_markers'),
        await count('rate_limits'),
      ]).toEqual([0, 1, 0]);
      // Within the interval nothing is swept again.
      await store.markOnce('stale-again', Date.now() - 1);
      vi.setSystemTime(now + 150_000);
      await store.markOnce('another', Date.now() + 60_000);
      expect(await count('once_markers')).toBe(3);
    } finally {
      vi.useRealTimers();
    }
  });

  it('refuses rows for a user that does not exist with a TypeError', async () => {
    const store = pgliteStore({ db });
    await store.migrate();
    const now = Date.now();
    const session = await store
      .createSession({
        id: 'orphan-session',
        secretHash: 'orphan-hash',
        userId: 'nobody',
        kind: 'full',
        credentialId: null,
        createdAt: now,
        expiresAt: now + 60_000,
        lastSeenAt: now,
        elevatedUntil: null,
        ip: null,
        userAgent: null,
        popKey: null,
        popProvenAt: null,
      })
      .catch((error: unknown) => error);
    expect(session).toBeInstanceOf(TypeError);
    await expect(store.replaceRecoveryCodes('nobody', ['code'])).rejects.toBeInstanceOf(TypeError);
  });

  it('reports session changes on a schema of the longest name, and after the schema is renamed', async () => {
    const long = `s${'x'.repeat(62)}`;
    const hears = async (store: ReturnType<typeof pgliteStore>) => {
      const heard: string[] = [];
      const watch = await store.watchSessions!((userId) => heard.push(userId));
      expect(watch.live).toBe(true);
      const { user } = await seedUser(store);
      await store.updateUser(user.id, { tier: 'locked' });
      await watch.close();
      return heard.includes(user.id);
    };
    const original = pgliteStore({ db, schema: long });
    await original.migrate();
    expect(await hears(original)).toBe(true);
    // The triggers name the channel after the schema they run in, as the store does.
    await db.exec(`ALTER SCHEMA "${long}" RENAME TO renamed_schema`);
    expect(await hears(pgliteStore({ db, schema: 'renamed_schema' }))).toBe(true);
  });

  it('reports changes made by hand in SQL, and "*" for a TRUNCATE', async () => {
    const store = pgliteStore({ db, schema: 'by_hand' });
    await store.migrate();
    const heard: string[] = [];
    const watch = await store.watchSessions!((userId) => heard.push(userId));
    const { user } = await seedUser(store);
    await store.createSession(makeSession(user.id));
    await db.query('DELETE FROM by_hand.sessions WHERE user_id = $1', [user.id]);
    expect(heard).toContain(user.id);
    await db.exec('TRUNCATE by_hand.sessions');
    expect(heard.at(-1)).toBe('*');
    await watch.close();
  });

  it('does not close a database it was given', async () => {
    const store = pgliteStore({ db });
    await store.close();
    expect(db.closed).toBe(false);
    expect((await db.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });
});
