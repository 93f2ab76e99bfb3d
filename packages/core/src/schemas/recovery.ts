import * as z from 'zod/mini';
import { PopPublicKey } from './pop.js';
import { email } from './primitives.js';

/** A recovery code as shown to a person: groups of letters and digits, dashes allowed. */
const recoveryCode = z.string().check(z.minLength(6), z.maxLength(64), z.regex(/^[A-Za-z0-9 -]+$/));

export const RecoveryCodesStatusResponse = z.object({ remaining: z.number().check(z.int()) });
export type RecoveryCodesStatusResponse = z.infer<typeof RecoveryCodesStatusResponse>;

/** A fresh set, shown once; the old set stops working. */
export const RecoveryCodesResponse = z.object({ codes: z.array(z.string()) });
export type RecoveryCodesResponse = z.infer<typeof RecoveryCodesResponse>;

/** `popKey` binds the recovery session to a device key: required for an account on the locked tier. */
export const RecoveryRequest = z.strictObject({
  email: z.optional(email),
  code: recoveryCode,
  popKey: z.optional(PopPublicKey),
});
export type RecoveryRequest = z.infer<typeof RecoveryRequest>;
