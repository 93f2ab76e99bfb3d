import { copyFileSync } from 'node:fs';
import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
  external: ['react', 'react-dom', 'react/jsx-runtime'],
  // Keep the 'use client' directive at the top of the bundle for React Server Components.
  banner: { js: "'use client';" },
  onSuccess: async () => {
    copyFileSync('src/styles.css', 'dist/styles.css');
  },
});
