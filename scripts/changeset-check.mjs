#!/usr/bin/env node
// Part of `npm test`: fails when a published package changed since the base
// branch and no changeset was added (`changeset status --since=<base>`).
//
// How changesets decides: it diffs the working tree against
// `git merge-base <base> HEAD`; any change inside a package that is not in
// `ignore` counts, and the check passes when at least one changeset file was
// added in that range (one changeset covers the whole branch; which packages
// it names is the author's call). On the base branch itself the range is
// empty and the check passes. Without a `<base>` ref (a shallow or
// single-branch clone of another branch, an export without git) there is
// nothing to compare with: the check says so and passes rather than guess.
// `LATCHKEY_CHANGESET_BASE` names another base ref (`origin/main` on CI).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(import.meta.url), '..', '..');
const config = JSON.parse(readFileSync(join(root, '.changeset', 'config.json'), 'utf8'));
// biome-ignore lint/suspicious/noUndeclaredEnvVars: read by npm test itself, outside turbo's tasks
const base = process.env.LATCHKEY_CHANGESET_BASE || config.baseBranch;

const mergeBase = spawnSync('git', ['merge-base', base, 'HEAD'], { cwd: root, encoding: 'utf8' });
if (mergeBase.status !== 0) {
  console.log(
    `changesets: not checked: no "${base}" ref to compare with in this clone (set LATCHKEY_CHANGESET_BASE to the base ref, e.g. origin/main)`,
  );
  process.exit(0);
}
const { status } = spawnSync('npx', ['changeset', 'status', `--since=${base}`], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(status ?? 1);
