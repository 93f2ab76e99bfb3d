import * as z from 'zod/mini';
import { id, timestamp } from './primitives.js';

export const AUDIT_EVENT_TYPES = [
  'user.created',
  /** The account and everything that signs in as it were deleted; its audit trail stays. */
  'account.deleted',
  'passkey.registered',
  /** A passkey was added to an existing account (not at sign-up): tell the person. */
  'passkey.added',
  'passkey.renamed',
  'passkey.revoked',
  'passkey.approved',
  'passkey.denied',
  'signin.succeeded',
  'signin.failed',
  'counter.regression',
  'session.elevated',
  'session.revoked',
  'signout',
  'recovery.codes_generated',
  'recovery.used',
  'recovery.failed',
  'pairing.requested',
  'pairing.approved',
  'pairing.denied',
  'token.created',
  'token.revoked',
  'token.used',
  'device.approved',
  'device.denied',
  'handoff.issued',
  'handoff.exchanged',
  'tier.changed',
  'pop.failed',
  'prf.key_wrapped',
  'rate.limited',
  /** A sign-in link was sent (only for an address with an account). */
  'email.link_sent',
  /** Signed in by an email link (a session of kind `email`). */
  'email.signin',
  /** An address was verified by a link sent to it. */
  'email.verified',
  /** A sign-up named an address that has an account: its owner was told by email. */
  'email.signup_attempt',
  /** A password was set, changed or removed (`data.action`): tell the person. */
  'password.changed',
  /** The account's fallback settings changed (`data`: the new flags). */
  'fallbacks.changed',
] as const;

export const AuditEventType = z.enum(AUDIT_EVENT_TYPES);
export type AuditEventType = z.infer<typeof AuditEventType>;

export const AuditEvent = z.object({
  id,
  type: AuditEventType,
  userId: z.nullable(id),
  at: timestamp,
  ip: z.nullable(z.string()),
  userAgent: z.nullable(z.string()),
  /** The actor when not the user's own session, such as `token:<id>`. */
  actor: z.nullable(z.string()),
  /** Event-specific facts (`credentialId`, `reason`, …); never secrets. */
  data: z.record(z.string(), z.unknown()),
});
export type AuditEvent = z.infer<typeof AuditEvent>;

export const AuditResponse = z.object({ events: z.array(AuditEvent) });
export type AuditResponse = z.infer<typeof AuditResponse>;
