import type { JWK } from 'jose';
import type { Services } from '../services.js';
import type { RotationResult, SigningKeys } from './signing-keys.js';
import { type LatchkeyJwtClaims, verifyLatchkeyJwt } from './verify-latchkey-jwt.js';

/** `latchkey.api.jwt`: JWTs for other services, and the keys behind them. */
export interface JwtApi {
  /** Signs an access JWT for a user (claims `sub`, `aud`, `iat`, `exp`, `jti`, and `sid` when given). */
  sign(options: {
    userId: string;
    audience: string;
    sessionId?: string;
    /** Seconds; default `config.jwt.ttl`. */
    ttl?: number;
  }): Promise<{ token: string; expiresAt: Date }>;
  /** Verifies an access JWT against this deployment's keys; throws `INVALID_TOKEN`. */
  verify(token: string, options: { audience: string | string[] }): Promise<LatchkeyJwtClaims>;
  /** The published JWKS (what `/.well-known/jwks.json` answers). */
  jwks(): Promise<{ keys: JWK[] }>;
  /**
   * Makes a new signing key; the old ones stay published and accepted for
   * `overlap` seconds (default: one JWT lifetime), then retire.
   */
  rotate(options?: { overlap?: number }): Promise<RotationResult>;
}

/**
 * Builds `api.jwt`.
 *
 * @example
 * const { token } = await latchkey.api.jwt.sign({ userId, audience: 'https://api.example' });
 * await latchkey.api.jwt.rotate(); // e.g. from a monthly job
 */
export function createJwtApi(
  services: Services,
  keys: SigningKeys,
  ready: () => Promise<void>,
): JwtApi {
  const { config } = services;
  return {
    async sign(options) {
      await ready();
      if (typeof options?.userId !== 'string' || !options.userId)
        throw new TypeError('jwt.sign: userId is required');
      if (typeof options.audience !== 'string' || !options.audience)
        throw new TypeError('jwt.sign: audience is required');
      if (options.ttl !== undefined && (!Number.isInteger(options.ttl) || options.ttl <= 0))
        throw new TypeError('jwt.sign: ttl must be a positive whole number of seconds');
      const signed = await keys.sign({
        sub: options.userId,
        aud: options.audience,
        ...(options.ttl === undefined ? {} : { ttl: options.ttl }),
        claims: options.sessionId ? { sid: options.sessionId } : {},
      });
      return { token: signed.token, expiresAt: new Date(signed.expiresAt) };
    },
    async verify(token, options) {
      await ready();
      return verifyLatchkeyJwt(token, {
        keys: await keys.publicJwks(),
        audience: options?.audience,
        clockTolerance: 0,
        currentDate: new Date(config.now()),
      });
    },
    async jwks() {
      await ready();
      return { keys: await keys.publicJwks() };
    },
    async rotate(options) {
      await ready();
      return keys.rotate(options);
    },
  };
}
