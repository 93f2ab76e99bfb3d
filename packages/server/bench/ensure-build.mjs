import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * Makes sure the package's `dist/` is built from the current `src/`: the bench
 * measures what users import, so a missing or stale build is rebuilt with tsup
 * first (printed, so nobody mistakes the build time for the bench's).
 *
 * @example
 * ensureBuild(fileURLToPath(new URL('..', import.meta.url)));
 */
export function ensureBuild(packageDir) {
  // dist/ imports @latchkey/core's own build: a fresh clone has none yet.
  const coreDir = join(packageDir, '..', 'core');
  if (!Number.isFinite(modifiedAt(join(coreDir, 'dist', 'index.js')))) {
    console.log('Building @latchkey/core first (its dist/ is missing): npx tsup');
    const core = spawnSync('npx', ['tsup', '--silent'], { cwd: coreDir, stdio: 'inherit' });
    if (core.status !== 0) throw new Error('npx tsup failed in packages/core; the bench needs it');
  }
  const outputs = ['dist/index.js', 'dist/testing.js'].map((file) => join(packageDir, file));
  const builtAt = Math.min(...outputs.map(modifiedAt));
  const inputs = [
    join(packageDir, 'tsup.config.ts'),
    ...readdirSync(join(packageDir, 'src'), { recursive: true })
      .map(String)
      // Tests are not bundled; editing one does not make the build stale.
      .filter((file) => !/\.test(-d)?\.tsx?$/.test(file))
      .map((file) => join(packageDir, 'src', file)),
  ];
  const newest = inputs.reduce(
    (latest, file) => (modifiedAt(file) > latest.at ? { file, at: modifiedAt(file) } : latest),
    { file: '', at: Number.NEGATIVE_INFINITY },
  );
  if (builtAt >= newest.at) return;
  const reason = Number.isFinite(builtAt)
    ? `${relative(packageDir, newest.file)} is newer than dist/`
    : 'dist/index.js or dist/testing.js is missing';
  console.log(`Building @latchkey/server first (${reason}): npx tsup`);
  const started = performance.now();
  const result = spawnSync('npx', ['tsup', '--silent'], { cwd: packageDir, stdio: 'inherit' });
  if (result.status !== 0) {
    throw new Error(
      `npx tsup failed (exit ${result.status ?? result.signal}); the bench needs dist/`,
    );
  }
  console.log(`Built in ${((performance.now() - started) / 1000).toFixed(1)} s.\n`);
}

/** Milliseconds since the epoch; `-Infinity` for a file that does not exist. */
function modifiedAt(file) {
  return statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? Number.NEGATIVE_INFINITY;
}
