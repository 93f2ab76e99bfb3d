import { copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    locked: 'src/locked/index.ts',
    // Sign-in by email link: a fallback many apps do not offer, so not in the main entry.
    email: 'src/email/index.ts',
    // The account's fallback settings: a settings page, not every page, needs them.
    fallbacks: 'src/fallbacks/index.ts',
    // A language is its own entry: an app that does not import it does not ship it.
    'locales/de': 'src/locales/de.ts',
  },
  format: ['esm', 'cjs'],
  // Both entries share modules such as the provider's context: they must live in one
  // shared chunk, in CJS too, or `@latchkey/react/locked` would not see the provider.
  // `locked` imports the main entry whole, so that chunk holds all of it and `index.js`
  // only re-exports it (one import of React in an app's bundle, not one per chunk).
  splitting: true,
  // A Rollup pass after esbuild merges each chunk's imports of React into one statement
  // (esbuild writes one per source file, and an app bundler keeps every import of an
  // external module), so a partial import of the kit carries no dead import lines.
  treeshake: true,
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
  external: ['react', 'react-dom', 'react/jsx-runtime'],
  onSuccess: async () => {
    copyFileSync('src/styles.css', 'dist/styles.css');
    // Every file starts with the 'use client' directive for React Server Components. It is
    // written here, not as a banner: the Rollup pass drops module-level directives, and split
    // CJS output starts with "use strict" and helpers, which would push a banner out of the
    // directive prologue.
    for (const file of readdirSync('dist').filter((name) => /\.c?js$/.test(name))) {
      const code = readFileSync(`dist/${file}`, 'utf8');
      if (!code.startsWith("'use client';")) writeFileSync(`dist/${file}`, `'use client';${code}`);
    }
  },
});
