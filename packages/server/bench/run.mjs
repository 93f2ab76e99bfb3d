// The server benchmark: `npm run bench` at the repo root, or `node bench/run.mjs` in packages/server.
// What it measures and how to read it: BENCHMARKS.md at the repo root.
import os from 'node:os';
import { relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ensureBuild } from './ensure-build.mjs';
import { printReport } from './report.mjs';
import { benchSessionChecks } from './session-checks.mjs';
import { benchSignIn } from './sign-in-ceremonies.mjs';
import { timedStore } from './timed-store.mjs';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

function readSettings() {
  return {
    // Batches per measurement; the report shows their median.
    batches: integerSetting('BENCH_BATCHES', 9),
    // Handler time per batch, sized from the warm-up's speed.
    batchMs: integerSetting('BENCH_BATCH_MS', 250),
    warmupMs: 1500,
    // Other accounts in the store besides the bench user (0: the store holds one user).
    otherUsers: integerSetting('BENCH_USERS', 0, 0),
  };
}

try {
  await main();
} catch (error) {
  console.error('\nThe bench failed:', error);
  process.exitCode = 1;
}

async function main() {
  const started = performance.now();
  const loadBefore = os.loadavg();
  const settings = readSettings();
  ensureBuild(packageDir);
  const { createLatchkey, memoryStore, pgliteStore } = await import(
    pathToFileURL(`${packageDir}/dist/index.js`).href
  );
  const { createTestAuthenticator } = await import(
    pathToFileURL(`${packageDir}/dist/testing.js`).href
  );
  const { verifyAuthenticationResponse } = await import('@simplewebauthn/server');
  const lib = { createTestAuthenticator, verifyAuthenticationResponse };

  const stores = [
    { label: 'memory', open: () => memoryStore() },
    // In-memory PGlite: the same engine and SQL as a data dir, without disk I/O in the figures.
    { label: 'pglite', open: () => pgliteStore({ dataDir: 'memory://' }) },
  ];
  const results = [];
  for (const { label, open } of stores) {
    const phaseStarted = performance.now();
    const store = timedStore(open());
    const logged = [];
    const latchkey = createLatchkey({
      rpName: 'Latchkey Bench',
      origins: ['http://localhost:3000'],
      store,
      rateLimit: false,
      secret: 'bench-secret-bench-secret-bench-secret-01',
      logger: (message, error) => logged.push(`${message}: ${String(error)}`),
    });
    try {
      process.stdout.write(`${label}: sign-in ceremonies… `);
      const signIn = await benchSignIn({ latchkey, store, lib, settings });
      process.stdout.write('session checks… ');
      const sessions = await benchSessionChecks({
        latchkey,
        store,
        session: signIn.session,
        userId: signIn.userId,
        settings,
      });
      console.log(
        `done in ${seconds(performance.now() - phaseStarted)} (store ready in ${signIn.readyMs.toFixed(0)} ms)`,
      );
      // An error the handler logged (not the caller's fault) makes the figures suspect.
      if (logged.length) throw new Error(`the handler logged errors:\n${logged.join('\n')}`);
      results.push({ label, signIn, sessions });
    } finally {
      await latchkey.close();
    }
  }

  const cpus = os.cpus();
  printReport({
    settings,
    results,
    header: [
      `command  ${command()}`,
      `machine  ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${cpus.length} cores, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, ${os.platform()} ${os.arch()}`,
      `node     ${process.version}`,
      `load     ${loadBefore.map((l) => l.toFixed(2)).join(' ')} before, ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')} after (1, 5, 15 min averages; other work on the machine shows here)`,
      `store    ${settings.otherUsers + 1} user(s), each with one passkey (BENCH_USERS=${settings.otherUsers} others)`,
      `time     ${seconds(performance.now() - started)} in all`,
    ],
  });
}

function command() {
  const script = `node ${relative(packageDir, fileURLToPath(import.meta.url))}`;
  if (process.env.npm_lifecycle_event !== 'bench') return script;
  const from = relative(process.cwd(), process.env.INIT_CWD ?? process.cwd());
  const where = from === '' ? 'packages/server' : from === '../..' ? 'the repo root' : from;
  return `npm run bench (in ${where}), which runs ${script} in packages/server`;
}

function integerSetting(name, fallback, min = 1) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    throw new TypeError(`${name} must be an integer of at least ${min}`);
  }
  return value;
}

function seconds(ms) {
  return `${(ms / 1000).toFixed(1)} s`;
}
