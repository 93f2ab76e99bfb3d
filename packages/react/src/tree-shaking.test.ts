// @vitest-environment node
// What an app pays for part of the kit: the built `dist/index.js` bundled the way an
// app bundler would (minified, React left out, gzip), importing only some exports.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
// The client's route and error-code tables take about 1.2 KB of it (the client answers every
// route, and maps every registered code); sign-in carries only the Signal API call it makes
// (`sendSignal`), not `signalPasskeyManager`'s other signals.
const PROVIDER_AND_SESSION_BUDGET = 6 * 1024;
/** Root data attributes of components that PasskeyEnrolButton does not render. */
const OTHER_COMPONENTS = /data-latchkey-(sign-in|passkey-list|pair-prompt|pending-approvals)\b/;

async function gzipOf(contents: string): Promise<{ gzip: number; code: string }> {
  if (!existsSync(join(packageDir, 'dist/index.js'))) {
    throw new Error('dist/index.js is missing: run `npm run build -w @latchkey/react` first');
  }
  const result = await build({
    stdin: { contents, resolveDir: packageDir, loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
    external: ['react', 'react-dom', 'react/jsx-runtime'],
  });
  const [output] = result.outputFiles;
  if (!output) throw new Error('esbuild wrote nothing');
  return { gzip: gzipSync(output.contents, { level: 9 }).length, code: output.text };
}

describe('tree-shaking', () => {
  it(`LatchkeyProvider + useSession alone cost at most ${PROVIDER_AND_SESSION_BUDGET / 1024} KB gzip`, async () => {
    const { gzip, code } = await gzipOf(
      "export { LatchkeyProvider, useSession } from './dist/index.js';",
    );
    console.log(`LatchkeyProvider + useSession: ${(gzip / 1024).toFixed(2)} KB gzip`);
    // No component made it in: each one renders its own data attribute.
    expect(code).not.toMatch(OTHER_COMPONENTS);
    expect(code).not.toMatch(/data-latchkey-(enrol-button|recovery-codes)\b/);
    expect(gzip).toBeLessThanOrEqual(PROVIDER_AND_SESSION_BUDGET);
  });

  it('one component brings only what it renders', async () => {
    const { code } = await gzipOf("export { PasskeyEnrolButton } from './dist/index.js';");
    expect(code).toContain('data-latchkey-enrol-button');
    expect(code).toContain('data-latchkey-recovery-codes'); // shown after sign-up
    expect(code).not.toMatch(OTHER_COMPONENTS);
  });

  it('every forwardRef, memo and createContext call is marked /*#__PURE__*/', () => {
    const unmarked: string[] = [];
    const files = readdirSync(join(packageDir, 'src'), { recursive: true })
      .map(String)
      .filter((file) => /\.tsx?$/.test(file) && !/\.(test|test-d|stories)\.tsx?$/.test(file));
    for (const file of files) {
      const source = readFileSync(join(packageDir, 'src', file), 'utf8');
      for (const match of source.matchAll(/(\S+)\s+(forwardRef|memo|createContext)\s*[<(]/g)) {
        if (match[1] !== '/*#__PURE__*/' && match[1] !== 'import') {
          unmarked.push(`${file}: ${match[0]}`);
        }
      }
    }
    expect(unmarked).toEqual([]);
  });
});
