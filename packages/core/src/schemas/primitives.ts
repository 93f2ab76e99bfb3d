import * as z from 'zod/mini';
import { isBase64url } from '../encoding/base64url.js';

/**
 * Base64url text (unpadded) of at most `max` characters. Every binary field on
 * the wire goes through this, so a malformed or oversized blob is refused by
 * the schema before any cryptography runs.
 */
export const base64url = (max: number) =>
  z
    .string()
    .check(
      z.minLength(1),
      z.maxLength(max),
      z.refine(isBase64url, { message: 'expected base64url' }),
    );

/** Short human text: trimmed by the caller, 1..max characters, no control characters. */
export const label = (max: number) =>
  z.string().check(
    z.minLength(1),
    z.maxLength(max),
    // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
    z.regex(/^[^\u0000-\u001f\u007f]*$/, { message: 'control characters are not allowed' }),
  );

/** An ISO 8601 timestamp with a time zone, as every date on the wire is. */
export const timestamp = z.iso.datetime({ offset: true });

/** An email address; compared case-insensitively by the server. */
export const email = z.email().check(z.maxLength(254));

/** An opaque identifier minted by the server. */
export const id = z.string().check(z.minLength(1), z.maxLength(128), z.regex(/^[A-Za-z0-9_-]+$/));

/** Path parameter: a WebAuthn credential id (at most 1023 bytes, WebAuthn L3 §5.1). */
export const credentialId = base64url(1364);

/** `{ ok: true }`: the answer of routes that only report success. */
export const Ok = z.object({ ok: z.literal(true) });
export type Ok = z.infer<typeof Ok>;

/** The empty request body. */
export const Empty = z.strictObject({});
export type Empty = z.infer<typeof Empty>;
