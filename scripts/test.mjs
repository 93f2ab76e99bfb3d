#!/usr/bin/env node
// `npm test`: the changeset check (scripts/changeset-check.mjs), Biome, then every package's typecheck, unit tests, store suites,
// package checks, the Storybook build and the browser end-to-end suite through
// turbo; then a summary of what ran, read from each suite's JSON report.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(import.meta.url), '..', '..');
const suites = [
  'packages/core',
  'packages/server',
  'packages/react',
  'packages/cli',
  'apps/demo',
  'examples/next',
  'examples/express-existing-users',
  'examples/better-auth',
];
const reports = suites.map((s) => join(root, s, '.reports', 'vitest.json'));
for (const r of reports) rmSync(r, { force: true });

function run(title, command, args) {
  console.log(`\n▶ ${title}: ${command} ${args.join(' ')}`);
  const started = Date.now();
  const { status } = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: process.env });
  return { title, ok: status === 0, seconds: (Date.now() - started) / 1000 };
}

const steps = [
  run('a changeset for every changed package (changeset status)', 'node', [
    'scripts/changeset-check.mjs',
  ]),
  run('lint and format (Biome)', 'npx', ['biome', 'ci', '.']),
  run('build, typecheck, tests, package checks, Storybook, end-to-end (turbo)', 'npx', [
    'turbo',
    'run',
    'typecheck',
    'test',
    'check',
    'build-storybook',
    'e2e',
    '--continue=dependencies-successful',
    '--concurrency=2',
  ]),
];

let passed = 0;
let failed = 0;
let skipped = 0;
const rows = [];
const skippedTests = [];
for (const [i, file] of reports.entries()) {
  if (!existsSync(file)) continue;
  const report = JSON.parse(readFileSync(file, 'utf8'));
  const suite = suites[i];
  let p = 0;
  let f = 0;
  let s = 0;
  for (const result of report.testResults ?? []) {
    for (const t of result.assertionResults ?? []) {
      if (t.status === 'passed') p++;
      else if (t.status === 'failed') f++;
      else {
        s++;
        skippedTests.push(
          `${relative(root, result.name)} › ${[...t.ancestorTitles, t.title].join(' › ')}`,
        );
      }
    }
  }
  passed += p;
  failed += f;
  skipped += s;
  rows.push(
    `  ${suite.padEnd(32)} ${String(p).padStart(5)} passed ${String(f).padStart(4)} failed ${String(s).padStart(4)} skipped`,
  );
}

console.log('\n──────── Latchkey test summary ────────');
for (const step of steps)
  console.log(`  ${step.ok ? '✓' : '✗'} ${step.title} (${step.seconds.toFixed(0)} s)`);
console.log('');
for (const row of rows) console.log(row);
const missing = suites.filter((_, i) => !existsSync(reports[i]));
if (missing.length) console.log(`  no test report from: ${missing.join(', ')}`);
if (skippedTests.length) {
  console.log('\n  Skipped (see the reason printed by each suite above):');
  for (const name of skippedTests.slice(0, 40)) console.log(`    - ${name}`);
  if (skippedTests.length > 40) console.log(`    … and ${skippedTests.length - 40} more`);
}
const ok = steps.every((s) => s.ok) && failed === 0 && missing.length === 0;
console.log(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(ok ? 0 : 1);
