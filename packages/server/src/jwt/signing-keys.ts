import {
  calculateJwkThumbprint,
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  type JWTPayload,
  jwtVerify,
  SignJWT,
} from 'jose';
import type { ResolvedConfig } from '../config/resolve-config.js';
import { randomToken } from '../internal/crypto.js';
import { ServerKeys } from '../internal/server-keys.js';
import type { LatchkeyStore, SigningKeyRecord } from '../stores/contract.js';

/** What jose imports a private JWK as (a Web Crypto key). */
type PrivateKey = Awaited<ReturnType<typeof importJWK>>;

/**
 * The JOSE `typ` of access JWTs (for other services) and of handoff JWTs. Distinct
 * types keep one from passing for the other (RFC 8725 §3.11).
 *
 * @example
 * await jwtVerify(token, keys, { typ: ACCESS_TYP });
 */
export const ACCESS_TYP = 'JWT';
/** @example await keys.verify(token, { audience: origin, typ: HANDOFF_TYP }); */
export const HANDOFF_TYP = 'latchkey-handoff+jwt';

/** Every algorithm Latchkey signs with; verification accepts no other (RFC 8725 §3.1). */
export const JWT_ALGORITHMS = ['EdDSA', 'ES256'] as const;

/**
 * How long an instance keeps signing with the key it last read: a rotation on
 * another instance is picked up within this time. The old key stays published
 * for the rotation's overlap (a JWT lifetime by default), so what it signed
 * meanwhile still verifies; an overlap shorter than this is not safe with
 * several instances.
 */
const KEY_LIST_TTL_MS = 60_000;

export interface SignOptions {
  sub: string;
  aud: string;
  /** Lifetime in seconds (default `config.jwt.ttl`). */
  ttl?: number;
  /** JOSE header `typ`: `ACCESS_TYP` unless said. */
  typ?: string;
  /** Extra claims (`sid`, `scope`). */
  claims?: Record<string, string>;
}

export interface SignedJwt {
  token: string;
  jti: string;
  /** Epoch milliseconds. */
  expiresAt: number;
}

export interface RotationResult {
  /** The new signing key. */
  kid: string;
  /** The keys rotated out: published (and accepted) until `retiresAt`. */
  retiring: { kid: string; retiresAt: number }[];
}

/**
 * The deployment's JWT signing keys, kept in the store so every instance signs
 * with and publishes the same ones. The private half is sealed (AES-GCM under a
 * key derived from the server secret, bound to its `kid`), so a read of the store
 * cannot sign; a key stored in the clear by an older version still signs until
 * it is rotated out (`api.jwt.rotate()`). The first instance that needs a key makes
 * one; instances that race on the first start each add theirs, and all then
 * sign with the oldest unretired key, so they converge on one while every key
 * stays published.
 *
 * @example
 * const keys = new SigningKeys(config, store, serverKeys(config, store));
 * const { token } = await keys.sign({ sub: userId, aud: 'https://api.example' });
 */
export class SigningKeys {
  private list: { records: SigningKeyRecord[]; readAt: number } | null = null;
  private pending: Promise<SigningKeyRecord[]> | null = null;
  private readonly imported = new Map<string, Promise<PrivateKey>>();

  constructor(
    private readonly config: ResolvedConfig,
    private readonly store: LatchkeyStore,
    private readonly keys: () => Promise<ServerKeys>,
  ) {}

  /** Signs a JWT with the current key: `sub`, `aud`, `iat`, `exp`, `jti` and the extra claims. */
  async sign(options: SignOptions): Promise<SignedJwt> {
    const now = this.config.now();
    const current = await this.current(now);
    const iat = Math.floor(now / 1000);
    const exp = iat + (options.ttl ?? this.config.jwt.ttl);
    const jti = randomToken(16);
    const token = await new SignJWT({ ...options.claims })
      .setProtectedHeader({ alg: current.alg, kid: current.kid, typ: options.typ ?? ACCESS_TYP })
      .setSubject(options.sub)
      .setAudience(options.aud)
      .setIssuedAt(iat)
      .setExpirationTime(exp)
      .setJti(jti)
      .sign(await this.privateKey(current));
    return { token, jti, expiresAt: exp * 1000 };
  }

  /**
   * Verifies a JWT against the published keys, as read from the store now (so a
   * key another instance just made counts). Throws jose's errors; the caller
   * maps them to its own code.
   */
  async verify(
    token: string,
    options: { audience: string; typ: string },
  ): Promise<JWTPayload & { sub: string; jti: string; exp: number }> {
    const now = this.config.now();
    const verifyWith = async (keys: JWK[]) => {
      const { payload } = await jwtVerify(token, createLocalJWKSet({ keys }), {
        audience: options.audience,
        typ: options.typ,
        algorithms: [...JWT_ALGORITHMS],
        currentDate: new Date(now),
        requiredClaims: ['sub', 'jti', 'exp', 'iat'],
      });
      return payload as JWTPayload & { sub: string; jti: string; exp: number };
    };
    return verifyWith(await this.publicJwks(now));
  }

  /**
   * The public keys to publish at `/.well-known/jwks.json`: unretired, or retiring
   * later. Read from the store every time (verifiers cache the answer), so a key
   * another instance just added is published at once.
   */
  async publicJwks(now = this.config.now()): Promise<JWK[]> {
    let records = await this.store.listSigningKeys();
    if (!records.some((r) => r.retiresAt === null)) records = await this.ensureKey(now);
    return records
      .filter((r) => r.retiresAt === null || r.retiresAt > now)
      .map((r) => JSON.parse(r.publicJwk) as JWK);
  }

  /**
   * Makes a new signing key and retires the others after `overlap` seconds
   * (default: one JWT lifetime), so every token they signed can still be
   * verified. New keys use `config.jwt.alg`. With several instances keep the
   * overlap above a minute (see `KEY_LIST_TTL_MS`).
   */
  async rotate(options: { overlap?: number } = {}): Promise<RotationResult> {
    const overlap = options.overlap ?? this.config.jwt.ttl;
    if (!Number.isFinite(overlap) || overlap < 0)
      throw new TypeError('jwt.rotate: overlap must be a number of seconds, 0 or more');
    const now = this.config.now();
    const fresh = await this.generate(now);
    await this.store.addSigningKey(fresh);
    const retiresAt = now + overlap * 1000;
    const retiring: RotationResult['retiring'] = [];
    for (const record of await this.store.listSigningKeys()) {
      if (record.kid === fresh.kid || record.retiresAt !== null) continue;
      await this.store.retireSigningKey(record.kid, retiresAt);
      retiring.push({ kid: record.kid, retiresAt });
    }
    this.list = null;
    return { kid: fresh.kid, retiring };
  }

  private async current(now: number): Promise<SigningKeyRecord> {
    let active = pickSigner(await this.records(now));
    if (!active) active = pickSigner(await this.ensureKey(now));
    if (!active) throw new Error('no signing key after creating one'); // a store that drops writes
    return active;
  }

  private async records(now: number): Promise<SigningKeyRecord[]> {
    if (this.list && now - this.list.readAt < KEY_LIST_TTL_MS && now >= this.list.readAt)
      return this.list.records;
    const records = await this.store.listSigningKeys();
    this.list = { records, readAt: now };
    return records;
  }

  /** First start: add a key (deduplicated within this instance), then read what won. */
  private ensureKey(now: number): Promise<SigningKeyRecord[]> {
    const pending =
      this.pending ??
      (async () => {
        try {
          const existing = await this.store.listSigningKeys();
          if (!existing.some((r) => r.retiresAt === null))
            await this.store.addSigningKey(await this.generate(now));
          const records = await this.store.listSigningKeys();
          this.list = { records, readAt: now };
          return records;
        } finally {
          this.pending = null;
        }
      })();
    this.pending = pending;
    return pending;
  }

  private async generate(now: number): Promise<SigningKeyRecord> {
    const alg = this.config.jwt.alg;
    const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
    const publicJwk = await exportJWK(publicKey);
    // RFC 7638 thumbprint: a kid every instance derives the same way from the key.
    const kid = await calculateJwkThumbprint(publicJwk);
    return {
      kid,
      alg,
      privateJwk: await (await this.keys()).seal(
        JSON.stringify({ ...(await exportJWK(privateKey)), kid, alg }),
        `signing-key:${kid}`,
      ),
      publicJwk: JSON.stringify({ ...publicJwk, kid, alg, use: 'sig' }),
      createdAt: now,
      retiresAt: null,
    };
  }

  private privateKey(record: SigningKeyRecord): Promise<PrivateKey> {
    let key = this.imported.get(record.kid);
    if (!key) {
      key = (async () => {
        const text = ServerKeys.isSealed(record.privateJwk)
          ? await (await this.keys()).unseal(record.privateJwk, `signing-key:${record.kid}`)
          : record.privateJwk; // stored in the clear before sealing existed
        return importJWK(JSON.parse(text) as JWK, record.alg);
      })();
      // A failure (a secret that does not open it) is not remembered: fixing the config fixes it.
      key.catch(() => this.imported.delete(record.kid));
      this.imported.set(record.kid, key);
    }
    return key;
  }
}

/** The key to sign with: the oldest one not rotated out, so racing first starts agree. */
function pickSigner(records: SigningKeyRecord[]): SigningKeyRecord | null {
  let best: SigningKeyRecord | null = null;
  for (const r of records) {
    if (r.retiresAt !== null) continue;
    if (
      !best ||
      r.createdAt < best.createdAt ||
      (r.createdAt === best.createdAt && r.kid < best.kid)
    )
      best = r;
  }
  return best;
}
