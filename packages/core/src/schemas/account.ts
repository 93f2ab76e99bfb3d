import * as z from 'zod/mini';
import { email, id, label, timestamp } from './primitives.js';

/** A security tier: `locked` sessions must keep proving possession of a device key. */
export const Tier = z.enum(['standard', 'locked']);
export type Tier = z.infer<typeof Tier>;

export const User = z.object({
  id,
  email: z.nullable(email),
  /**
   * The owner of `email` opened a link sent to it (sign-in or verification).
   * Always sent by this server; optional so a client reads older servers too.
   */
  emailVerified: z.optional(z.boolean()),
  displayName: z.nullable(label(128)),
  tier: Tier,
  createdAt: timestamp,
});
export type User = z.infer<typeof User>;

/**
 * The host app's own id for a person (its users table, its auth library), as
 * given to `api.users.create` or answered by `identify`: 1..255 characters
 * without control characters, compared exactly.
 */
export const ExternalId = label(255);
export type ExternalId = z.infer<typeof ExternalId>;

/**
 * What a session may do: `full`; `recovery` (signed in with a recovery code),
 * `email` (signed in by an email link) and `enrol` (a paired device) may only
 * enrol a passkey until they do; `password` (signed in with a password) is a
 * full session of lower assurance: it never passes a step-up, so it cannot
 * reach `elevated` routes nor add a passkey to an account that has one.
 */
export const SessionKind = z.enum(['full', 'recovery', 'enrol', 'email', 'password']);
export type SessionKind = z.infer<typeof SessionKind>;

export const Session = z.object({
  id,
  kind: SessionKind,
  createdAt: timestamp,
  expiresAt: timestamp,
  lastSeenAt: timestamp,
  /** Until when a step-up (`/passkeys/verify`) lets this session do sensitive things. */
  elevatedUntil: z.nullable(timestamp),
  /** True when the session is bound to a proof-of-possession key. */
  locked: z.boolean(),
  /**
   * Only for a native app (a sign-in whose challenge was asked for with
   * `Latchkey-Pre-Session` and signed by an `android:apk-key-hash:` origin): the
   * session token (`lks_…`), sent as `Authorization: Bearer` afterwards. A
   * browser's session is an HttpOnly cookie and never has one.
   */
  token: z.optional(z.string().check(z.maxLength(128))),
});
export type Session = z.infer<typeof Session>;

/** Browser, OS and form factor, read from a User-Agent. */
export const DeviceDescription = z.object({
  browser: z.string().check(z.maxLength(64)),
  os: z.string().check(z.maxLength(64)),
  deviceType: z.enum(['desktop', 'mobile', 'tablet', 'unknown']),
});
export type DeviceDescription = z.infer<typeof DeviceDescription>;

export const SessionInfo = z.object({
  id,
  kind: SessionKind,
  device: DeviceDescription,
  ip: z.nullable(z.string().check(z.maxLength(64))),
  createdAt: timestamp,
  lastSeenAt: timestamp,
  expiresAt: timestamp,
  current: z.boolean(),
});
export type SessionInfo = z.infer<typeof SessionInfo>;

/** `GET /session`: both `null` when signed out. */
export const SessionResponse = z.object({
  user: z.nullable(User),
  session: z.nullable(Session),
  /**
   * The relying party this request maps to, and whether it is still in grace
   * (no passkey enrolled for it yet), so a UI can offer to enrol or pair.
   */
  rp: z.object({ id: label(253), grace: z.boolean(), signUp: z.enum(['open', 'closed']) }),
});
export type SessionResponse = z.infer<typeof SessionResponse>;

export const SessionsResponse = z.object({ sessions: z.array(SessionInfo) });
export type SessionsResponse = z.infer<typeof SessionsResponse>;

/** `POST /passkeys/authenticate`, `/recovery`, `/handoff/exchange`. */
export const SignedInResponse = z.object({ user: User, session: Session });
export type SignedInResponse = z.infer<typeof SignedInResponse>;
