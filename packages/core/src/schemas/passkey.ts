import * as z from 'zod/mini';
import { DeviceDescription } from './account.js';
import { base64url, id, label, timestamp } from './primitives.js';
import { AuthenticatorTransport } from './webauthn.js';

/** A passkey as its owner sees it in a list. */
export const PasskeyInfo = z.object({
  id,
  credentialId: base64url(1364),
  name: label(64),
  createdAt: timestamp,
  lastUsedAt: z.nullable(timestamp),
  transports: z.array(AuthenticatorTransport),
  /** From the BE flag (WebAuthn L3 §6.1.3): may this credential be synced? */
  deviceType: z.enum(['singleDevice', 'multiDevice']),
  /** From the BS flag: is it backed up (synced) right now? Refreshed at every sign-in. */
  backedUp: z.boolean(),
  aaguid: z.string().check(z.maxLength(36)),
  /** Who made it, from the AAGUID list, or a name read from the User-Agent. */
  /** `iconDark`, where there is one, is the icon for dark backgrounds. */
  provider: z.object({
    name: label(128),
    icon: z.optional(z.string().check(z.maxLength(16384))),
    iconDark: z.optional(z.string().check(z.maxLength(16384))),
  }),
  createdWith: DeviceDescription,
  /** `pending` until a trusted device approves it, when approval is required. */
  status: z.enum(['active', 'pending']),
  rpId: label(253),
  /** Whether this passkey can give the PRF extension's output. */
  prf: z.boolean(),
});
export type PasskeyInfo = z.infer<typeof PasskeyInfo>;

export const PasskeysResponse = z.object({ passkeys: z.array(PasskeyInfo) });
export type PasskeysResponse = z.infer<typeof PasskeysResponse>;

export const PasskeyResponse = z.object({ passkey: PasskeyInfo });
export type PasskeyResponse = z.infer<typeof PasskeyResponse>;
