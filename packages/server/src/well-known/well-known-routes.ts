import { LatchkeyError } from '@latchkey/core';
import { publicJson } from '../http/responses.js';
import type { SigningKeys } from '../jwt/signing-keys.js';
import type { RouteHandlers } from '../services.js';

/**
 * `GET /.well-known/jwks.json` and `GET /.well-known/webauthn`. The JWKS is
 * cached for five minutes, far less than the overlap a rotated key keeps, so a
 * verifier never misses a key that signs.
 *
 * @example
 * const handlers = { ...wellKnownRoutes(signingKeys) };
 */
export function wellKnownRoutes(keys: SigningKeys): RouteHandlers {
  return {
    async jwks(ctx) {
      return publicJson({ keys: await keys.publicJwks(ctx.now) }, 300);
    },

    // WebAuthn L3 §5.11.1: the origins that may use this RP ID besides its own.
    async relatedOrigins(_ctx, { config }) {
      if (config.relatedOrigins.length === 0)
        throw new LatchkeyError('ROUTE_NOT_FOUND', 'No related origins are configured');
      return publicJson({ origins: config.relatedOrigins }, 3600);
    },
  };
}
