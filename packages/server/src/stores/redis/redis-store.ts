import { createHash } from 'node:crypto';
import {
  type ChallengeRecord,
  type DeviceCodeRecord,
  type EmailLinkRecord,
  type EphemeralStoreAdapter,
  type Millis,
  type PairingRecord,
  StoreConflictError,
  StoreUnavailableError,
} from '../contract.js';

/** What the store needs of a Redis client: ioredis's `Redis` and `Cluster` fit. */
export interface RedisClientLike {
  call(command: string, ...args: (string | number)[]): Promise<unknown>;
}

/** How `redisStore` reaches Redis. */
export type RedisStoreOptions =
  | {
      /** A `redis://` or `rediss://` URL; the store opens (and on `close()` quits) its own connection. */
      url: string;
      /** Put before every key (default `latchkey:`). */
      prefix?: string;
      /**
       * Milliseconds a command (or the first connection) may take before it fails
       * with `StoreUnavailableError` (default 2,000). While Redis is down, commands
       * fail at once; the store reconnects every 250 ms at most.
       */
      timeout?: number;
    }
  | {
      /** An ioredis client (or cluster) to share; the store never quits it. */
      client: RedisClientLike;
      prefix?: string;
    };

/**
 * Entries live this long past their `expiresAt` before Redis drops them, so
 * instances whose clocks differ slightly still agree (reads check `expiresAt`).
 */
const TTL_GRACE_MS = 5_000;

/** Reply errors that mean "not now" rather than "wrong command". */
const UNAVAILABLE_REPLIES =
  /^(LOADING|BUSY|MASTERDOWN|CLUSTERDOWN|TRYAGAIN|READONLY|OOM|NOREPLICAS)\b/;

/**
 * The short-lived half of the contract in Redis (or Valkey), for several server
 * instances sharing challenges, rate limits, pairing, device codes and single-use
 * markers. Every atomic promise is one command (`GETDEL`, `SET NX`) or one Lua
 * script; entries carry a TTL (`PX`) so Redis drops them after they expire. Redis
 * 6.2 or newer. Combine it with a durable store:
 * `combineStores(postgresStore(…), redisStore(…))`.
 *
 * Keys start with `prefix`. The two records reached by two keys (a pairing by id and
 * by code, a device code by its hash and by its user code) share a hash tag
 * (`{pairing}`, `{device}`), so on Redis Cluster each of their scripts runs within
 * one slot.
 *
 * @example
 * import { combineStores } from '@latchkey/server';
 * import { pgliteStore } from '@latchkey/server/pglite';
 * import { redisStore } from '@latchkey/server/redis';
 * const store = combineStores(pgliteStore(), redisStore({ url: 'redis://127.0.0.1:6379' }));
 * await store.migrate();
 */
export function redisStore(options: RedisStoreOptions): EphemeralStoreAdapter {
  const prefix = options.prefix ?? 'latchkey:';
  const pairingBase = `${prefix}{pairing}:`;
  const deviceBase = `${prefix}{device}:`;
  const owned = !('client' in options);
  let closed = false;
  let opening: Promise<OwnedClient | RedisClientLike> | undefined;

  function client(): Promise<RedisClientLike> {
    if (closed) return Promise.reject(new StoreUnavailableError('the store is closed'));
    opening ??=
      'client' in options
        ? Promise.resolve(options.client)
        : openClient(options.url, options.timeout ?? DEFAULT_TIMEOUT_MS);
    opening.catch(() => {
      opening = undefined;
    });
    return opening;
  }

  async function call(command: string, ...args: (string | number)[]): Promise<unknown> {
    const c = await client();
    try {
      return await c.call(command, ...args);
    } catch (error) {
      throw failed(c, error);
    }
  }

  /**
   * A command that got no answer in time may sit on a dead connection that
   * nothing will ever close (a Redis host that vanished, a dropped NAT entry):
   * every later command would time out too. Open a new connection instead.
   */
  function failed(c: RedisClientLike, error: unknown): unknown {
    const owned = c as Partial<OwnedClient>;
    if (
      !('client' in options) &&
      error instanceof Error &&
      error.message === 'Command timed out' &&
      owned.status === 'ready'
    ) {
      owned.disconnect?.(true);
    }
    return toRedisError(error);
  }

  async function run(
    script: LuaScript,
    keys: string[],
    args: (string | number)[],
  ): Promise<unknown> {
    const c = await client();
    try {
      try {
        return await c.call('EVALSHA', script.sha, keys.length, ...keys, ...args);
      } catch (error) {
        // A node that has not seen the script yet (a restart, a failover, another cluster node).
        if (!(error instanceof Error && error.message.startsWith('NOSCRIPT'))) throw error;
        return await c.call('EVAL', script.source, keys.length, ...keys, ...args);
      }
    } catch (error) {
      throw failed(c, error);
    }
  }

  const challengeKey = (challenge: string) => `${prefix}challenge:${challenge}`;
  const rateLimitKey = (key: string) => `${prefix}ratelimit:${key}`;
  const onceKey = (key: string) => `${prefix}once:${key}`;
  const emailLinkKey = (tokenHash: string) => `${prefix}emaillink:${tokenHash}`;
  const pairingKey = (id: string) => `${pairingBase}id:${id}`;
  const pairingCodeKey = (codeHash: string) => `${pairingBase}code:${codeHash}`;
  const deviceKey = (hash: string) => `${deviceBase}hash:${hash}`;
  const userCodeKey = (userCode: string) => `${deviceBase}user:${userCode}`;

  return {
    async migrate() {
      // Nothing to create: this checks that Redis answers.
      await call('PING');
    },

    async close() {
      if (closed) return;
      closed = true;
      if (!owned || opening === undefined) return;
      const c = (await opening.catch(() => undefined)) as OwnedClient | undefined;
      if (c === undefined) return;
      if (c.status === 'ready') await c.quit().catch(() => c.disconnect());
      else c.disconnect();
    },

    async putChallenge(record) {
      await call(
        'SET',
        challengeKey(record.challenge),
        JSON.stringify(record),
        'PX',
        ttl(record.expiresAt),
      );
    },

    async consumeChallenge(challenge, now) {
      // GETDEL is one step: of many concurrent consumers exactly one gets the value.
      const value = await call('GETDEL', challengeKey(challenge));
      if (typeof value !== 'string') return null;
      const record = JSON.parse(value) as ChallengeRecord;
      return record.expiresAt > now ? record : null;
    },

    async hitRateLimit(key, windowMs, now) {
      const resetAt = now + windowMs;
      const reply = (await run(
        HIT_RATE_LIMIT,
        [rateLimitKey(key)],
        [now, resetAt, ttl(resetAt)],
      )) as [number, string];
      return { count: Number(reply[0]), resetAt: Number(reply[1]) };
    },

    async peekRateLimit(key, now) {
      const [count, resetAt] = (await call('HMGET', rateLimitKey(key), 'count', 'resetAt')) as [
        string | null,
        string | null,
      ];
      return count !== null && resetAt !== null && Number(resetAt) > now
        ? { count: Number(count), resetAt: Number(resetAt) }
        : { count: 0, resetAt: now };
    },

    async putPairing(record) {
      await run(
        PUT_PAIRING,
        [pairingKey(record.id), pairingCodeKey(record.codeHash)],
        [
          JSON.stringify(record),
          record.status,
          JSON.stringify(record.userId),
          record.expiresAt,
          record.codeHash,
          record.id,
          ttl(record.expiresAt),
        ],
      );
    },

    async getPairing(id, now) {
      return readPairing(await call('HGETALL', pairingKey(id)), now);
    },

    async getPairingByCodeHash(codeHash, now) {
      const record = readPairing(
        await run(PAIRING_BY_CODE, [pairingCodeKey(codeHash)], [pairingBase]),
        now,
      );
      return record !== null && record.codeHash === codeHash ? record : null;
    },

    async decidePairing(id, decision, now) {
      const reply = await run(
        DECIDE,
        [pairingKey(id)],
        [decision.status, JSON.stringify(decision.userId), now],
      );
      return reply === 1;
    },

    async takePairing(id) {
      return (await run(TAKE_PAIRING, [pairingKey(id)], [pairingBase, id])) === 1;
    },

    async putDeviceCode(record) {
      const reply = await run(
        PUT_DEVICE_CODE,
        [deviceKey(record.deviceCodeHash), userCodeKey(record.userCode)],
        [
          JSON.stringify(record),
          record.status,
          JSON.stringify(record.userId),
          record.expiresAt,
          JSON.stringify(record.lastPolledAt),
          record.userCode,
          record.deviceCodeHash,
          ttl(record.expiresAt),
          Date.now(),
          deviceBase,
        ],
      );
      if (reply !== 1)
        throw new StoreConflictError('other', 'user code is taken by a pending device code');
    },

    async getDeviceCode(deviceCodeHash, now) {
      return readDeviceCode(await call('HGETALL', deviceKey(deviceCodeHash)), now);
    },

    async getDeviceCodeByUserCode(userCode, now) {
      const record = readDeviceCode(
        await run(DEVICE_CODE_BY_USER_CODE, [userCodeKey(userCode)], [deviceBase]),
        now,
      );
      return record !== null && record.userCode === userCode ? record : null;
    },

    async decideDeviceCode(userCode, decision, now) {
      const reply = await run(
        DECIDE_DEVICE_CODE,
        [userCodeKey(userCode)],
        [deviceBase, decision.status, JSON.stringify(decision.userId), now],
      );
      return reply === 1;
    },

    async pollDeviceCode(deviceCodeHash, now) {
      const previous = await run(
        POLL_DEVICE_CODE,
        [deviceKey(deviceCodeHash)],
        [now, JSON.stringify(now)],
      );
      return typeof previous === 'string' ? (JSON.parse(previous) as Millis | null) : null;
    },

    async takeDeviceCode(deviceCodeHash) {
      return (
        (await run(TAKE_DEVICE_CODE, [deviceKey(deviceCodeHash)], [deviceBase, deviceCodeHash])) ===
        1
      );
    },

    async markOnce(key, expiresAt) {
      const left = Math.ceil(expiresAt - Date.now());
      // Already expired: nothing to keep, but a live marker still wins.
      if (left <= 0) return (await call('EXISTS', onceKey(key))) === 0;
      return (await call('SET', onceKey(key), '1', 'NX', 'PX', left)) === 'OK';
    },

    async putEmailLink(record) {
      await call(
        'SET',
        emailLinkKey(record.tokenHash),
        JSON.stringify(record),
        'PX',
        ttl(record.expiresAt),
      );
    },

    async getEmailLink(tokenHash, now) {
      const value = await call('GET', emailLinkKey(tokenHash));
      if (typeof value !== 'string') return null;
      const record = JSON.parse(value) as EmailLinkRecord;
      return record.expiresAt > now ? record : null;
    },

    async consumeEmailLink(tokenHash, now) {
      // GETDEL is one step: of many concurrent consumers exactly one gets the link.
      const value = await call('GETDEL', emailLinkKey(tokenHash));
      if (typeof value !== 'string') return null;
      const record = JSON.parse(value) as EmailLinkRecord;
      return record.expiresAt > now ? record : null;
    },
  };
}

interface OwnedClient extends RedisClientLike {
  status: string;
  quit(): Promise<unknown>;
  /** With `true`, drops the connection and opens a new one (ioredis). */
  disconnect(reconnect?: boolean): void;
}

/** How long a command or the first connection may take (`timeout`). */
const DEFAULT_TIMEOUT_MS = 2_000;
/** The longest wait between two reconnection attempts. */
const MAX_RECONNECT_DELAY_MS = 250;

async function openClient(url: string, timeout: number): Promise<OwnedClient> {
  let mod: { Redis?: RedisConstructor; default?: { Redis?: RedisConstructor } };
  try {
    mod = (await import('ioredis')) as typeof mod;
  } catch (error) {
    throw new TypeError('redisStore needs the `ioredis` package: npm install ioredis', {
      cause: error,
    });
  }
  const Redis = mod.Redis ?? mod.default?.Redis;
  if (Redis === undefined)
    throw new TypeError('the installed `ioredis` package has no Redis export');
  // Fail fast while Redis is down, and notice its return quickly: no offline
  // queue (a command fails at once instead of waiting for a reconnection), no
  // retries of a command whose connection dropped, a bounded reconnection delay
  // (ioredis's default grows to seconds) and a timeout on every command (a
  // blackholed connection would otherwise hold a request until TCP gives up).
  const created = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    retryStrategy: (attempt) => Math.min(attempt * 50, MAX_RECONNECT_DELAY_MS),
    connectTimeout: timeout,
    commandTimeout: timeout,
  });
  // Connection errors surface on the commands; without a listener ioredis logs each one.
  created.on('error', () => {});
  // Without an offline queue, a command sent before the first connection fails:
  // wait for it (or for the first error, and try again on the next call).
  if (created.status !== 'ready') {
    try {
      await new Promise<void>((resolve, reject) => {
        created.once('ready', () => resolve());
        created.once('error', reject);
      });
    } catch (error) {
      created.disconnect();
      throw toRedisError(error);
    }
  }
  return created;
}

interface RedisConstructor {
  new (
    url: string,
    options: {
      enableOfflineQueue: boolean;
      maxRetriesPerRequest: number;
      autoResendUnfulfilledCommands: boolean;
      retryStrategy: (attempt: number) => number;
      connectTimeout: number;
      commandTimeout: number;
    },
  ): OwnedClient & {
    on(event: 'error', listener: (error: Error) => void): unknown;
    once(event: 'ready' | 'error', listener: (error?: Error) => void): unknown;
  };
}

/** Milliseconds Redis should keep an entry that expires at `expiresAt`. */
function ttl(expiresAt: Millis): number {
  return Math.max(0, Math.ceil(expiresAt - Date.now())) + TTL_GRACE_MS;
}

function toRedisError(error: unknown): unknown {
  if (
    error instanceof StoreUnavailableError ||
    error instanceof StoreConflictError ||
    error instanceof TypeError
  ) {
    return error;
  }
  if (
    error instanceof Error &&
    error.name === 'ReplyError' &&
    !UNAVAILABLE_REPLIES.test(error.message)
  ) {
    return error;
  }
  // Refused, reset or closed connections, retries exhausted, a server loading or failing over.
  return new StoreUnavailableError(
    `redis is unavailable: ${error instanceof Error ? error.message : String(error)}`,
    { cause: error },
  );
}

/**
 * A hash reply as an object, whichever shape the client hands it back in: a flat
 * `[field, value, …]` array (RESP2, scripts), a plain object (ioredis's HGETALL
 * transformer) or a `Map` (RESP3 maps).
 */
function fields(reply: unknown): Record<string, string> | null {
  const out: Record<string, string> = {};
  if (Array.isArray(reply)) {
    for (let i = 0; i + 1 < reply.length; i += 2) out[String(reply[i])] = String(reply[i + 1]);
  } else if (reply instanceof Map) {
    for (const [key, value] of reply) out[String(key)] = String(value);
  } else if (typeof reply === 'object' && reply !== null) {
    for (const [key, value] of Object.entries(reply)) out[key] = String(value);
  }
  return Object.keys(out).length === 0 ? null : out;
}

function readPairing(reply: unknown, now: Millis): PairingRecord | null {
  const f = fields(reply);
  if (f?.record === undefined) return null;
  const record = JSON.parse(f.record) as PairingRecord;
  if (record.expiresAt <= now) return null;
  record.status = f.status as PairingRecord['status'];
  record.userId = JSON.parse(f.userId ?? 'null') as string | null;
  return record;
}

function readDeviceCode(reply: unknown, now: Millis): DeviceCodeRecord | null {
  const f = fields(reply);
  if (f?.record === undefined) return null;
  const record = JSON.parse(f.record) as DeviceCodeRecord;
  if (record.expiresAt <= now) return null;
  record.status = f.status as DeviceCodeRecord['status'];
  record.userId = JSON.parse(f.userId ?? 'null') as string | null;
  record.lastPolledAt = JSON.parse(f.lastPolledAt ?? 'null') as Millis | null;
  return record;
}

interface LuaScript {
  source: string;
  sha: string;
}

function lua(source: string): LuaScript {
  return { source, sha: createHash('sha1').update(source).digest('hex') };
}

// Each script runs atomically (Redis runs one script at a time), which is what makes
// every "exactly one caller wins" promise hold across instances. Times travel as
// decimal strings and are compared with tonumber: epoch milliseconds fit a Lua double.

/** KEYS: counter. ARGV: now, resetAt of a new window, TTL. Returns {count, resetAt}. */
const HIT_RATE_LIMIT = lua(`
local current = redis.call('HMGET', KEYS[1], 'count', 'resetAt')
if current[2] and tonumber(current[2]) > tonumber(ARGV[1]) then
  return {redis.call('HINCRBY', KEYS[1], 'count', 1), current[2]}
end
redis.call('HSET', KEYS[1], 'count', 1, 'resetAt', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return {1, ARGV[2]}
`);

/** KEYS: pairing, code index. ARGV: record JSON, status, userId JSON, expiresAt, codeHash, id, TTL. */
const PUT_PAIRING = lua(`
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'record', ARGV[1], 'status', ARGV[2], 'userId', ARGV[3],
  'expiresAt', ARGV[4], 'codeHash', ARGV[5])
redis.call('PEXPIRE', KEYS[1], ARGV[7])
redis.call('SET', KEYS[2], ARGV[6], 'PX', ARGV[7])
return 1
`);

/** KEYS: code index. ARGV: pairing key base. Returns the pairing's HGETALL. */
const PAIRING_BY_CODE = lua(`
local id = redis.call('GET', KEYS[1])
if not id then return {} end
return redis.call('HGETALL', ARGV[1] .. 'id:' .. id)
`);

/** KEYS: pairing or device code. ARGV: status, userId JSON, now. 1 when this call decided it. */
const DECIDE = lua(`
local current = redis.call('HMGET', KEYS[1], 'status', 'expiresAt')
if current[1] ~= 'pending' or tonumber(current[2]) <= tonumber(ARGV[3]) then return 0 end
redis.call('HSET', KEYS[1], 'status', ARGV[1], 'userId', ARGV[2])
return 1
`);

/** KEYS: pairing. ARGV: pairing key base, id. 1 for the one call that deleted it. */
const TAKE_PAIRING = lua(`
local codeHash = redis.call('HGET', KEYS[1], 'codeHash')
if not codeHash then return 0 end
local codeKey = ARGV[1] .. 'code:' .. codeHash
if redis.call('GET', codeKey) == ARGV[2] then redis.call('DEL', codeKey) end
redis.call('DEL', KEYS[1])
return 1
`);

/**
 * KEYS: device code, user-code index. ARGV: record JSON, status, userId JSON,
 * expiresAt, lastPolledAt JSON, userCode, deviceCodeHash, TTL, now, key base.
 * 0 when another live pending request holds the user code (RFC 8628 §6.1).
 */
const PUT_DEVICE_CODE = lua(`
local holder = redis.call('GET', KEYS[2])
local holderPending = false
if holder and holder ~= ARGV[7] then
  local current = redis.call('HMGET', ARGV[10] .. 'hash:' .. holder, 'status', 'expiresAt', 'userCode')
  holderPending = current[1] == 'pending' and current[3] == ARGV[6]
    and tonumber(current[2]) > tonumber(ARGV[9])
  if holderPending and ARGV[2] == 'pending' then return 0 end
end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'record', ARGV[1], 'status', ARGV[2], 'userId', ARGV[3],
  'expiresAt', ARGV[4], 'lastPolledAt', ARGV[5], 'userCode', ARGV[6])
redis.call('PEXPIRE', KEYS[1], ARGV[8])
if not holderPending then redis.call('SET', KEYS[2], ARGV[7], 'PX', ARGV[8]) end
return 1
`);

/** KEYS: user-code index. ARGV: key base. Returns the device code's HGETALL. */
const DEVICE_CODE_BY_USER_CODE = lua(`
local hash = redis.call('GET', KEYS[1])
if not hash then return {} end
return redis.call('HGETALL', ARGV[1] .. 'hash:' .. hash)
`);

/** KEYS: user-code index. ARGV: key base, status, userId JSON, now. 1 when this call decided it. */
const DECIDE_DEVICE_CODE = lua(`
local hash = redis.call('GET', KEYS[1])
if not hash then return 0 end
local key = ARGV[1] .. 'hash:' .. hash
local current = redis.call('HMGET', key, 'status', 'expiresAt')
if current[1] ~= 'pending' or tonumber(current[2]) <= tonumber(ARGV[4]) then return 0 end
redis.call('HSET', key, 'status', ARGV[2], 'userId', ARGV[3])
return 1
`);

/** KEYS: device code. ARGV: now, now as JSON. Returns the previous lastPolledAt JSON, or nil. */
const POLL_DEVICE_CODE = lua(`
local current = redis.call('HMGET', KEYS[1], 'expiresAt', 'lastPolledAt')
if not current[1] or tonumber(current[1]) <= tonumber(ARGV[1]) then return false end
redis.call('HSET', KEYS[1], 'lastPolledAt', ARGV[2])
return current[2]
`);

/** KEYS: device code. ARGV: key base, deviceCodeHash. 1 for the one call that took an approved code. */
const TAKE_DEVICE_CODE = lua(`
local current = redis.call('HMGET', KEYS[1], 'status', 'userCode')
if current[1] ~= 'approved' then return 0 end
local userKey = ARGV[1] .. 'user:' .. current[2]
if redis.call('GET', userKey) == ARGV[2] then redis.call('DEL', userKey) end
redis.call('DEL', KEYS[1])
return 1
`);
