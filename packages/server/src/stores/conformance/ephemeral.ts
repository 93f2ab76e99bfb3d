import { describe, expect, it } from 'vitest';
import type { EmailLinkRecord, EphemeralStore } from '../contract.js';
import {
  countTrue,
  expectConflict,
  makeChallenge,
  makeDeviceCode,
  makePairing,
  times,
  uid,
} from './fixtures.js';

/** The conformance tests of the short-lived records (`contract/ephemeral.ts`). */
export function defineEphemeralTests(get: () => EphemeralStore, concurrency: number): void {
  describe('challenges', () => {
    it('returns a challenge once, then never again', async () => {
      const store = get();
      const record = makeChallenge({ userId: uid('user'), kind: 'registration' });
      await store.putChallenge(record);
      expect(await store.consumeChallenge(record.challenge, Date.now())).toEqual(record);
      expect(await store.consumeChallenge(record.challenge, Date.now())).toBeNull();
      expect(await store.consumeChallenge(uid('unknown'), Date.now())).toBeNull();
    });

    it('never returns an expired challenge', async () => {
      const store = get();
      const now = Date.now();
      const record = makeChallenge({ expiresAt: now + 60_000 });
      await store.putChallenge(record);
      expect(await store.consumeChallenge(record.challenge, record.expiresAt)).toBeNull();
      expect(await store.consumeChallenge(record.challenge, now)).toBeNull();
      const stale = makeChallenge({ expiresAt: now - 1 });
      await store.putChallenge(stale);
      expect(await store.consumeChallenge(stale.challenge, now)).toBeNull();
    });

    it('hands a challenge to exactly one of many concurrent consumers', async () => {
      const store = get();
      const record = makeChallenge();
      await store.putChallenge(record);
      const results = await times(concurrency, () =>
        store.consumeChallenge(record.challenge, Date.now()),
      );
      expect(results.filter((r) => r !== null)).toEqual([record]);
    });
  });

  describe('email links', () => {
    const makeLink = (overrides: Partial<EmailLinkRecord> = {}): EmailLinkRecord => ({
      tokenHash: uid('link'),
      purpose: 'sign-in',
      userId: uid('user'),
      email: 'ada@example.com',
      binding: uid('binding'),
      createdAt: Date.now(),
      expiresAt: Date.now() + 900_000,
      ...overrides,
    });

    it('reads a link without using it, then hands it out once', async () => {
      const store = get();
      const link = makeLink();
      const verify = makeLink({ purpose: 'verify', binding: null });
      await store.putEmailLink(link);
      await store.putEmailLink(verify);
      expect(await store.getEmailLink(link.tokenHash, Date.now())).toEqual(link);
      expect(await store.getEmailLink(link.tokenHash, Date.now())).toEqual(link);
      expect(await store.consumeEmailLink(link.tokenHash, Date.now())).toEqual(link);
      expect(await store.consumeEmailLink(link.tokenHash, Date.now())).toBeNull();
      expect(await store.getEmailLink(link.tokenHash, Date.now())).toBeNull();
      expect(await store.consumeEmailLink(verify.tokenHash, Date.now())).toEqual(verify);
      expect(await store.getEmailLink(uid('unknown'), Date.now())).toBeNull();
    });

    it('never returns an expired link', async () => {
      const store = get();
      const now = Date.now();
      const link = makeLink({ expiresAt: now + 60_000 });
      await store.putEmailLink(link);
      expect(await store.getEmailLink(link.tokenHash, link.expiresAt)).toBeNull();
      expect(await store.consumeEmailLink(link.tokenHash, link.expiresAt)).toBeNull();
      // Once asked to consume it past its expiry, it is gone.
      expect(await store.consumeEmailLink(link.tokenHash, now)).toBeNull();
    });

    it('hands a link to exactly one of many concurrent consumers', async () => {
      const store = get();
      const link = makeLink();
      await store.putEmailLink(link);
      const results = await times(concurrency, () =>
        store.consumeEmailLink(link.tokenHash, Date.now()),
      );
      expect(results.filter((r) => r !== null)).toEqual([link]);
    });
  });

  describe('rate limits', () => {
    it('counts hits in a fixed window that opens at the first hit', async () => {
      const store = get();
      const key = uid('rl');
      const now = Date.now();
      expect(await store.hitRateLimit(key, 60_000, now)).toEqual({
        count: 1,
        resetAt: now + 60_000,
      });
      expect(await store.hitRateLimit(key, 60_000, now + 10)).toEqual({
        count: 2,
        resetAt: now + 60_000,
      });
      expect(await store.hitRateLimit(key, 60_000, now + 59_999)).toEqual({
        count: 3,
        resetAt: now + 60_000,
      });
      // The window has passed: a new one opens.
      expect(await store.hitRateLimit(key, 60_000, now + 60_000)).toEqual({
        count: 1,
        resetAt: now + 120_000,
      });
      expect(await store.hitRateLimit(uid('rl'), 1000, now)).toEqual({
        count: 1,
        resetAt: now + 1000,
      });
    });

    it('peeks at a window without counting a hit', async () => {
      const store = get();
      const key = uid('rl');
      const now = Date.now();
      expect(await store.peekRateLimit(key, now)).toEqual({ count: 0, resetAt: now });
      await store.hitRateLimit(key, 60_000, now);
      await store.hitRateLimit(key, 60_000, now + 1);
      expect(await store.peekRateLimit(key, now + 2)).toEqual({ count: 2, resetAt: now + 60_000 });
      expect(await store.peekRateLimit(key, now + 3)).toEqual({ count: 2, resetAt: now + 60_000 });
      expect(await store.peekRateLimit(key, now + 60_000)).toEqual({
        count: 0,
        resetAt: now + 60_000,
      });
    });

    it('counts concurrent hits exactly', async () => {
      const store = get();
      const key = uid('rl');
      const now = Date.now();
      const hits = await times(concurrency, () => store.hitRateLimit(key, 60_000, now));
      expect(hits.map((h) => h.count).sort((a, b) => a - b)).toEqual(
        Array.from({ length: concurrency }, (_, i) => i + 1),
      );
      expect(new Set(hits.map((h) => h.resetAt))).toEqual(new Set([now + 60_000]));
    });
  });

  describe('pairing', () => {
    it('stores a pairing and finds it by id and by code until it expires', async () => {
      const store = get();
      const record = makePairing({ deviceName: null, ip: null });
      await store.putPairing(record);
      const now = Date.now();
      expect(await store.getPairing(record.id, now)).toEqual(record);
      expect(await store.getPairingByCodeHash(record.codeHash, now)).toEqual(record);
      expect(await store.getPairing(record.id, record.expiresAt)).toBeNull();
      expect(await store.getPairingByCodeHash(record.codeHash, record.expiresAt)).toBeNull();
      expect(await store.getPairing(uid('missing'), now)).toBeNull();
      expect(await store.getPairingByCodeHash(uid('missing'), now)).toBeNull();
    });

    it('decides a pending pairing exactly once', async () => {
      const store = get();
      const record = makePairing();
      await store.putPairing(record);
      const userId = uid('user');
      const decisions = Array.from({ length: concurrency }, (_, i) =>
        i % 2 === 0
          ? { status: 'approved' as const, userId }
          : { status: 'denied' as const, userId: null },
      );
      const results = await Promise.all(
        decisions.map((decision) => store.decidePairing(record.id, decision, Date.now())),
      );
      expect(countTrue(results)).toBe(1);
      const winner = decisions[results.indexOf(true)]!;
      expect(await store.getPairing(record.id, Date.now())).toEqual({ ...record, ...winner });
      expect(await store.decidePairing(record.id, { status: 'approved', userId }, Date.now())).toBe(
        false,
      );
    });

    it('refuses to decide an expired or unknown pairing', async () => {
      const store = get();
      const record = makePairing();
      await store.putPairing(record);
      const decision = { status: 'approved' as const, userId: uid('user') };
      expect(await store.decidePairing(record.id, decision, record.expiresAt)).toBe(false);
      expect((await store.getPairing(record.id, Date.now()))?.status).toBe('pending');
      expect(await store.decidePairing(uid('missing'), decision, Date.now())).toBe(false);
    });

    it('is taken exactly once', async () => {
      const store = get();
      const record = makePairing({ status: 'approved', userId: uid('user') });
      await store.putPairing(record);
      const results = await times(concurrency, () => store.takePairing(record.id));
      expect(countTrue(results)).toBe(1);
      expect(await store.getPairing(record.id, Date.now())).toBeNull();
      expect(await store.getPairingByCodeHash(record.codeHash, Date.now())).toBeNull();
      expect(await store.takePairing(record.id)).toBe(false);
    });
  });

  describe('device codes', () => {
    it('stores a device code and finds it by hash and user code until it expires', async () => {
      const store = get();
      const record = makeDeviceCode({ clientName: null, ip: null, agent: true, scopes: [] });
      await store.putDeviceCode(record);
      const now = Date.now();
      expect(await store.getDeviceCode(record.deviceCodeHash, now)).toEqual(record);
      expect(await store.getDeviceCodeByUserCode(record.userCode, now)).toEqual(record);
      expect(await store.getDeviceCode(record.deviceCodeHash, record.expiresAt)).toBeNull();
      expect(await store.getDeviceCodeByUserCode(record.userCode, record.expiresAt)).toBeNull();
      expect(await store.getDeviceCode(uid('missing'), now)).toBeNull();
    });

    it('keeps a user code unique while it is pending', async () => {
      const store = get();
      const first = makeDeviceCode();
      await store.putDeviceCode(first);
      await expectConflict(
        store.putDeviceCode(makeDeviceCode({ userCode: first.userCode })),
        'other',
      );

      // Once decided, the user code may serve a new request; lookups prefer the pending one.
      expect(
        await store.decideDeviceCode(
          first.userCode,
          { status: 'denied', userId: null },
          Date.now(),
        ),
      ).toBe(true);
      const second = makeDeviceCode({ userCode: first.userCode, createdAt: first.createdAt + 1 });
      await store.putDeviceCode(second);
      expect(await store.getDeviceCodeByUserCode(first.userCode, Date.now())).toEqual(second);
      expect((await store.getDeviceCode(first.deviceCodeHash, Date.now()))?.status).toBe('denied');

      // An expired pending code does not hold its user code.
      const stale = makeDeviceCode({ expiresAt: Date.now() - 1 });
      await store.putDeviceCode(stale);
      const fresh = makeDeviceCode({ userCode: stale.userCode });
      await store.putDeviceCode(fresh);
      expect(await store.getDeviceCodeByUserCode(stale.userCode, Date.now())).toEqual(fresh);
    });

    it('records polls and returns the previous poll time', async () => {
      const store = get();
      const record = makeDeviceCode();
      await store.putDeviceCode(record);
      const now = Date.now();
      expect(await store.pollDeviceCode(record.deviceCodeHash, now)).toBeNull();
      expect(await store.pollDeviceCode(record.deviceCodeHash, now + 5000)).toBe(now);
      expect(await store.pollDeviceCode(record.deviceCodeHash, now + 6000)).toBe(now + 5000);
      expect((await store.getDeviceCode(record.deviceCodeHash, now))?.lastPolledAt).toBe(
        now + 6000,
      );
      expect(await store.pollDeviceCode(uid('missing'), now)).toBeNull();
    });

    it('decides a pending code exactly once', async () => {
      const store = get();
      const record = makeDeviceCode();
      await store.putDeviceCode(record);
      const userId = uid('user');
      const results = await times(concurrency, (i) =>
        store.decideDeviceCode(
          record.userCode,
          i % 2 === 0 ? { status: 'approved', userId } : { status: 'denied', userId: null },
          Date.now(),
        ),
      );
      expect(countTrue(results)).toBe(1);
      const approved = results.indexOf(true) % 2 === 0;
      expect(await store.getDeviceCode(record.deviceCodeHash, Date.now())).toEqual({
        ...record,
        status: approved ? 'approved' : 'denied',
        userId: approved ? userId : null,
      });
      expect(
        await store.decideDeviceCode(
          uid('MISSING'),
          { status: 'denied', userId: null },
          Date.now(),
        ),
      ).toBe(false);
      const expired = makeDeviceCode();
      await store.putDeviceCode(expired);
      expect(
        await store.decideDeviceCode(
          expired.userCode,
          { status: 'denied', userId: null },
          expired.expiresAt,
        ),
      ).toBe(false);
    });

    it('is taken exactly once, and only once approved', async () => {
      const store = get();
      const record = makeDeviceCode();
      await store.putDeviceCode(record);
      expect(await store.takeDeviceCode(record.deviceCodeHash)).toBe(false);
      expect(
        await store.decideDeviceCode(
          record.userCode,
          { status: 'approved', userId: uid('user') },
          Date.now(),
        ),
      ).toBe(true);
      const results = await times(concurrency, () => store.takeDeviceCode(record.deviceCodeHash));
      expect(countTrue(results)).toBe(1);
      expect(await store.getDeviceCode(record.deviceCodeHash, Date.now())).toBeNull();
      expect(await store.getDeviceCodeByUserCode(record.userCode, Date.now())).toBeNull();
    });
  });

  describe('single-use markers', () => {
    it('is set by exactly one of many concurrent callers', async () => {
      const store = get();
      const key = uid('jti');
      const results = await times(concurrency, () => store.markOnce(key, Date.now() + 60_000));
      expect(countTrue(results)).toBe(1);
      expect(await store.markOnce(key, Date.now() + 60_000)).toBe(false);
      expect(await store.markOnce(uid('jti'), Date.now() + 60_000)).toBe(true);
    });

    it('lets a key be marked again once its marker expired', async () => {
      const store = get();
      const key = uid('jti');
      expect(await store.markOnce(key, Date.now() - 1)).toBe(true);
      expect(await store.markOnce(key, Date.now() + 60_000)).toBe(true);
      expect(await store.markOnce(key, Date.now() - 1)).toBe(false);
    });
  });
}
