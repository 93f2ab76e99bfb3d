import { copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', locked: 'src/locked/index.ts' },
  format: ['esm', 'cjs'],
  // Both entries share modules such as the provider's context: they must live in one
  // shared chunk, in CJS too, or `@latchkey/react/locked` would not see the provider.
  splitting: true,
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
  external: ['react', 'react-dom', 'react/jsx-runtime'],
  // Keep the 'use client' directive at the top of the bundle for React Server Components.
  banner: { js: "'use client';" },
  onSuccess: async () => {
    copyFileSync('src/styles.css', 'dist/styles.css');
    // Split CJS output starts with "use strict" and helpers, which pushes the banner out of
    // the directive prologue; put 'use client' back first so it stays a directive.
    for (const file of readdirSync('dist').filter((name) => name.endsWith('.cjs'))) {
      const code = readFileSync(`dist/${file}`, 'utf8');
      if (!code.startsWith("'use client';")) writeFileSync(`dist/${file}`, `'use client';${code}`);
    }
  },
});
