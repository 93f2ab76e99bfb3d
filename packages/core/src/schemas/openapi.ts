import * as z from 'zod/mini';

/**
 * `GET /auth/openapi.json` (when the server enables it): the OpenAPI 3.1
 * document of this contract, as `@latchkey/core/openapi.json` holds it. Only
 * its outline is checked here; the document is generated from the route table.
 */
export const OpenApiDocument = z.looseObject({
  openapi: z.string().check(z.regex(/^3\.1\.\d+$/)),
  info: z.looseObject({ title: z.string(), version: z.string() }),
  paths: z.record(z.string(), z.unknown()),
});
export type OpenApiDocument = z.infer<typeof OpenApiDocument>;
