import { defineConfig } from 'tsup';

export default defineConfig({
  // One ESM file per module, so bundlers drop what an app does not use
  // (sideEffects: false): the React kit's lean client never pulls in the schemas.
  entry: ['src/**/*.ts', '!src/**/*.test.ts', '!src/**/*.test-d.ts'],
  format: ['esm', 'cjs'],
  splitting: true,
  dts: { entry: { index: 'src/index.ts' } },
  clean: true,
  sourcemap: true,
  target: 'es2022',
});
