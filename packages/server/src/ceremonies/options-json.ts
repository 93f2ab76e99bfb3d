import type { RouteResponse } from '@latchkey/core';
import type {
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
} from '@simplewebauthn/server';
import type { WebAuthnHint } from '../config/latchkey-config.js';

type CreationOptions = RouteResponse<'registerOptions'>['options'];
type RequestOptions = RouteResponse<'authOptions'>['options'];

/**
 * A credential list as the route table's schema has it: SimpleWebAuthn types a
 * descriptor's `type` as any string, though it is always `public-key`.
 */
function descriptors(
  list: { id: string; type: string; transports?: string[] }[] | undefined,
): { id: string; type: 'public-key'; transports?: string[] }[] | undefined {
  return list?.map((d) => ({ ...d, type: 'public-key' }));
}

/**
 * Registration options as `register-options` answers them: SimpleWebAuthn's,
 * with the extension inputs it was given (JSON, as sent: SimpleWebAuthn types
 * them as buffers) and the ceremony's hints (WebAuthn L3 §5.8.7) when there are any.
 *
 * @example
 * return { options: creationOptionsJson(await generateRegistrationOptions(…), extensions, hints) };
 */
export function creationOptionsJson(
  options: PublicKeyCredentialCreationOptionsJSON,
  extensions: CreationOptions['extensions'],
  hints: readonly WebAuthnHint[] | undefined,
): CreationOptions {
  return {
    ...options,
    extensions,
    excludeCredentials: descriptors(options.excludeCredentials),
    ...(hints ? { hints: [...hints] } : {}),
  };
}

/**
 * Authentication options as `auth-options` and `verify-options` answer them:
 * SimpleWebAuthn's, with the extension inputs it was given (JSON, as sent) and
 * the ceremony's hints when there are any.
 *
 * @example
 * return { options: requestOptionsJson(await generateAuthenticationOptions(…), undefined, hints) };
 */
export function requestOptionsJson(
  options: PublicKeyCredentialRequestOptionsJSON,
  extensions: RequestOptions['extensions'],
  hints: readonly WebAuthnHint[] | undefined,
): RequestOptions {
  return {
    ...options,
    extensions,
    allowCredentials: descriptors(options.allowCredentials),
    ...(hints ? { hints: [...hints] } : {}),
  };
}
