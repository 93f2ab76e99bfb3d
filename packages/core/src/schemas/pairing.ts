import * as z from 'zod/mini';
import { DeviceDescription } from './account.js';
import { PasskeyInfo } from './passkey.js';
import { id, label, timestamp } from './primitives.js';

/** A pairing code as typed by a person: 8 characters of an unambiguous alphabet, dash optional. */
const pairingCode = z.string().check(z.minLength(6), z.maxLength(16), z.regex(/^[A-Za-z0-9-]+$/));

export const PairingRequest = z.strictObject({ deviceName: z.optional(label(64)) });
export type PairingRequest = z.infer<typeof PairingRequest>;

export const PairingResponse = z.object({ pairingId: id, code: z.string(), expiresAt: timestamp });
export type PairingResponse = z.infer<typeof PairingResponse>;

export const PairingStatus = z.enum(['pending', 'approved', 'denied', 'expired']);
export type PairingStatus = z.infer<typeof PairingStatus>;

export const PairingStatusResponse = z.object({ status: PairingStatus });
export type PairingStatusResponse = z.infer<typeof PairingStatusResponse>;

export const PairingCodeRequest = z.strictObject({ code: pairingCode });
export type PairingCodeRequest = z.infer<typeof PairingCodeRequest>;

/** What the trusted device sees before it approves. */
export const PairingLookupResponse = z.object({
  pairing: z.object({
    code: z.string(),
    deviceName: z.nullable(label(64)),
    device: DeviceDescription,
    ip: z.nullable(z.string().check(z.maxLength(64))),
    createdAt: timestamp,
    expiresAt: timestamp,
  }),
});
export type PairingLookupResponse = z.infer<typeof PairingLookupResponse>;

export const ApprovalsResponse = z.object({ approvals: z.array(PasskeyInfo) });
export type ApprovalsResponse = z.infer<typeof ApprovalsResponse>;
