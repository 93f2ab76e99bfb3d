import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    'index.node': 'src/index.node.ts',
    jwt: 'src/jwt/verify-latchkey-jwt.ts',
    memory: 'src/stores/memory/memory-store.ts',
    pglite: 'src/stores/pglite/pglite-store.ts',
    postgres: 'src/stores/postgres/postgres-store.ts',
    redis: 'src/stores/redis/redis-store.ts',
    smtp: 'src/email/smtp-transport.ts',
    node: 'src/adapters/node.ts',
    hono: 'src/adapters/hono.ts',
    next: 'src/adapters/next.ts',
    fastify: 'src/adapters/fastify.ts',
    bun: 'src/adapters/bun.ts',
    deno: 'src/adapters/deno.ts',
    testing: 'src/testing/index.ts',
    conformance: 'src/stores/conformance.ts',
  },
  format: ['esm', 'cjs'],
  // Entries share modules (the store errors the handler matches with `instanceof`,
  // the SQL store): they must live in shared chunks, in CJS too, or a store from
  // `@latchkey/server/postgres` would throw errors the main entry does not know.
  splitting: true,
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
  loader: { '.sql': 'text' },
});
