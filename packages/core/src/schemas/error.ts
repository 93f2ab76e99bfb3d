import * as z from 'zod/mini';

/** Every error answer: `{"error":{"code":"UPPER_SNAKE","message":"…"}}`. */
export const ErrorResponse = z.object({
  error: z.object({
    code: z.string().check(z.maxLength(64), z.regex(/^[A-Z][A-Z0-9_]*$/)),
    message: z.string().check(z.maxLength(1024)),
  }),
});
export type ErrorResponse = z.infer<typeof ErrorResponse>;
