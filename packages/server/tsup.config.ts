import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    node: 'src/adapters/node.ts',
    hono: 'src/adapters/hono.ts',
    testing: 'src/testing/index.ts',
    conformance: 'src/stores/conformance.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
  loader: { '.sql': 'text' },
});
