// The kit's cost to an app: dist/index.js bundled with everything but React,
// minified and gzipped. Fails (exit 1) above the budget.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const BUDGET = 15 * 1024;
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const entry = join(root, 'dist/index.js');
if (!existsSync(entry)) {
  console.error('size: dist/index.js is missing; run `npx tsup` first');
  process.exit(1);
}

const result = await build({
  entryPoints: [entry],
  bundle: true,
  minify: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  write: false,
  metafile: true,
  logLevel: 'silent',
  external: ['react', 'react-dom', 'react/jsx-runtime'],
});
const code = result.outputFiles[0].contents;
const gzip = gzipSync(code, { level: 9 }).length;

// Where the bytes come from, so a regression points at its source.
const inputs = Object.values(result.metafile.outputs)[0].inputs;
const groups = new Map();
for (const [file, { bytesInOutput }] of Object.entries(inputs)) {
  const group = file.includes('node_modules/zod')
    ? 'zod'
    : file.includes('core/dist')
      ? '@latchkey/core'
      : file.includes('@simplewebauthn')
        ? '@simplewebauthn/browser'
        : '@latchkey/react';
  groups.set(group, (groups.get(group) ?? 0) + bytesInOutput);
}
const kb = (bytes) => `${(bytes / 1024).toFixed(2)} KB`;
for (const [group, bytes] of [...groups].sort((a, b) => b[1] - a[1])) {
  console.log(`  ${group.padEnd(24)} ${kb(bytes)} minified`);
}
if (groups.has('zod')) {
  // The kit makes its client with createLeanLatchkeyClient, which loads no schema (core's
  // purity test checks it); zod here means a schema is reached, or core's build keeps its
  // schemas in the same module as the client so the bundler cannot drop them.
  console.log(
    '  zod and the schemas come from @latchkey/core: check what imports them, and that core ships one module per file',
  );
}
console.log(
  `@latchkey/react: ${kb(code.length)} minified, ${kb(gzip)} gzip (budget ${kb(BUDGET)} gzip)`,
);
if (gzip > BUDGET) {
  console.error(`size: over budget by ${kb(gzip - BUDGET)}`);
  process.exit(1);
}
