import { describe, expect, it } from 'vitest';
import { runSoak } from '../soak/soak.js';

const databaseUrl = process.env.DATABASE_URL;
const redisUrl = process.env.REDIS_URL;
const skipReason =
  'DATABASE_URL or REDIS_URL is not set: the short soak (3 instances, real PostgreSQL and Redis, every fault once) is skipped';
if (databaseUrl === undefined || redisUrl === undefined) console.warn(`⚠ ${skipReason}`);

// The short version of `npm run soak` (see RELIABILITY.md): every fault once,
// under load, across three server processes; no invariant may break.
describe.skipIf(databaseUrl === undefined || redisUrl === undefined)(
  'the soak, short (needs DATABASE_URL and REDIS_URL)',
  () => {
    it('keeps every invariant through every fault', { timeout: 120_000 }, async () => {
      const result = await runSoak({
        databaseUrl: databaseUrl ?? '',
        redisUrl: redisUrl ?? '',
        durationMs: 12_000,
        users: 12,
        faultMs: 1_000,
        gapMs: 1_500,
        graceMs: 1_500,
      });
      console.log(result.report);
      expect([...result.faults.keys()].sort()).toEqual([
        'clock-skew',
        'pg-blackhole',
        'pg-cut',
        'pg-delay',
        'redis-blackhole',
        'redis-cut',
        'redis-delay',
        'server-kill',
      ]);
      expect(result.requests).toBeGreaterThan(500);
      expect(Object.fromEntries(result.violations)).toEqual({});
    });
  },
);
