// The server benchmark: `npm run bench` at the repo root, or `node bench/run.mjs`
// in packages/server (`--quick` for a ~30 s smoke run, `--long` for steadier
// figures). What it measures and how to read it: BENCHMARKS.md at the repo root.
import { fork } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ensureBuild } from './ensure-build.mjs';
import { httpClient, ORIGIN, operations, signUp } from './http-client.mjs';
import { measure } from './load.mjs';
import { printReport } from './report.mjs';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const resultsFile = join(packageDir, 'bench', 'results', 'latest.json');

const PRESETS = {
  quick: { repetitions: 1, repMs: 1500, warmupMs: 400, windowMs: 500 },
  default: { repetitions: 2, repMs: 3000, warmupMs: 1000, windowMs: 1000 },
  long: { repetitions: 3, repMs: 10_000, warmupMs: 2000, windowMs: 1000 },
};

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
  const { createTestAuthenticator } = await import(
    pathToFileURL(`${packageDir}/dist/testing.js`).href
  );

  const { targets, skipped } = chooseTargets();
  for (const line of skipped) console.log(`skipped: ${line}`);
  const logged = [];
  const children = [];
  const cleanups = [];
  try {
    // Every server starts first and idles while another is measured, so the runs
    // of each server interleave with the reference's and share the machine's moods.
    for (const target of targets) {
      if (target.spec.store === 'pglite') {
        target.spec.dataDir = mkdtempSync(join(os.tmpdir(), 'latchkey-bench-pglite-'));
        cleanups.push(() => rmSync(target.spec.dataDir, { recursive: true, force: true }));
      }
      if (target.spec.databaseUrl) cleanups.push(() => dropSchema(target.spec));
      if (target.spec.redisUrl) cleanups.push(() => dropKeys(target.spec));
      process.stdout.write(`starting ${target.label}… `);
      const child = await startChild(target.spec, logged);
      children.push(child);
      target.child = child;
      target.client = httpClient(child.port, Math.max(...settings.concurrency));
      const authenticator = createTestAuthenticator({ origin: ORIGIN, counter: 'zero' });
      target.ops = operations(
        target.client,
        authenticator,
        await signUp(target.client, authenticator),
      );
      console.log(`ready${child.readyMs ? ` (store open in ${child.readyMs.toFixed(0)} ms)` : ''}`);
    }

    const cells = [];
    for (const workload of ['ceremony', 'session']) {
      for (const concurrency of settings.concurrency) {
        process.stdout.write(`${workload} c=${concurrency}:`);
        const rows = targets.map((target) => ({ label: target.label, repetitions: [] }));
        for (let rep = 0; rep < settings.repetitions; rep++) {
          for (const [i, target] of targets.entries()) {
            const run = (durationMs, windowMs) =>
              measure({
                op: target.ops[workload],
                concurrency,
                durationMs,
                windowMs,
                usage: target.child.usage,
              });
            if (rep === 0) await run(settings.warmupMs, settings.warmupMs);
            rows[i].repetitions.push(await run(settings.repMs, settings.windowMs));
            process.stdout.write('.');
          }
        }
        console.log('');
        cells.push({ workload, concurrency, rows });
      }
    }
    if (logged.length) throw new Error(`a server logged errors:\n${logged.join('\n')}`);

    // Opening an existing PGlite folder, as a restart does: the same data, a new process.
    const reopened = [];
    for (const target of targets.filter((t) => t.spec.store === 'pglite')) {
      process.stdout.write(`reopening ${target.label}… `);
      await target.child.close();
      const child = await startChild(target.spec, logged);
      const { rss } = await child.usage();
      reopened.push({ label: target.label, openMs: child.readyMs, rss });
      await child.close();
      console.log('done');
    }

    process.stdout.write('gate.check in-process… ');
    const gate = await runGate(settings, logged);
    console.log('done');

    const cpus = os.cpus();
    const report = {
      date: new Date().toISOString(),
      command: command(),
      machine: `${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${cpus.length} cores, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, ${os.platform()} ${os.arch()}`,
      node: process.version,
      loadBefore,
      loadAfter: os.loadavg(),
      settings,
      skipped,
      cells,
      gate,
      reopened,
      seconds: (performance.now() - started) / 1000,
    };
    printReport(report);
    for (const { label, openMs, rss } of reopened) {
      console.log(
        `\n${label}, existing data folder reopened in a new process: ready in ${openMs.toFixed(0)} ms, RSS ${(rss / 2 ** 20).toFixed(0)} MiB`,
      );
    }
    mkdirSync(join(packageDir, 'bench', 'results'), { recursive: true });
    writeFileSync(resultsFile, `${JSON.stringify(report, null, 2)}\n`);
    console.log(`\nJSON: ${relative(process.cwd(), resultsFile)}`);
  } finally {
    for (const target of targets) target.client?.close();
    await Promise.all(children.map((child) => child.close()));
    for (const cleanup of cleanups) await cleanup();
  }
}

function readSettings() {
  const flags = new Set(process.argv.slice(2));
  for (const flag of flags) {
    if (flag !== '--quick' && flag !== '--long') throw new TypeError(`unknown flag ${flag}`);
  }
  const preset =
    flags.has('--quick') || process.env.BENCH_PRESET === 'quick'
      ? 'quick'
      : flags.has('--long') || process.env.BENCH_PRESET === 'long'
        ? 'long'
        : 'default';
  const base = PRESETS[preset];
  const repMs = integerSetting('BENCH_REP_MS', base.repMs, 500);
  return {
    preset,
    repetitions: integerSetting('BENCH_REPS', base.repetitions),
    repMs,
    warmupMs: integerSetting('BENCH_WARMUP_MS', base.warmupMs, 0),
    windowMs: Math.min(base.windowMs, Math.floor(repMs / 3)),
    concurrency: [1, 8],
  };
}

/** The servers to measure: the reference, then Latchkey per adapter and store. */
function chooseTargets() {
  const skipped = [];
  const targets = [
    {
      label: 'reference',
      spec: { kind: 'reference' },
      about: '@simplewebauthn/server + node:http + Maps',
    },
    { label: 'node · memory', spec: { kind: 'latchkey', adapter: 'node', store: 'memory' } },
  ];
  let honoInstalled = true;
  try {
    import.meta.resolve('@hono/node-server');
  } catch {
    honoInstalled = false;
    skipped.push(
      'Hono: @hono/node-server is not installed in node_modules (the bench installs nothing)',
    );
  }
  if (honoInstalled) {
    targets.push({
      label: 'hono · memory',
      spec: { kind: 'latchkey', adapter: 'hono', store: 'memory' },
    });
  }
  targets.push({
    label: 'node · pglite',
    spec: { kind: 'latchkey', adapter: 'node', store: 'pglite' },
  });
  const { DATABASE_URL: databaseUrl, REDIS_URL: redisUrl } = process.env;
  const run = `${Date.now().toString(36)}_${process.pid}`;
  const schema = `latchkey_bench_${run}`;
  const prefix = `latchkey-bench-${run}:`;
  if (databaseUrl) {
    targets.push({
      label: 'node · postgres',
      spec: { kind: 'latchkey', adapter: 'node', store: 'postgres', databaseUrl, schema },
    });
  } else skipped.push('PostgreSQL: DATABASE_URL is not set');
  if (redisUrl) {
    targets.push({
      label: databaseUrl ? 'node · postgres+redis' : 'node · memory+redis',
      spec: {
        kind: 'latchkey',
        adapter: 'node',
        store: databaseUrl ? 'postgres' : 'memory',
        databaseUrl,
        // Its own schema: the two PostgreSQL targets never share rows.
        schema: `${schema}_r`,
        redisUrl,
        prefix,
      },
    });
  } else skipped.push('Redis: REDIS_URL is not set');
  return { targets, skipped };
}

/** Forks one server and waits for its port; `usage()` asks it for CPU time and RSS. */
function startChild(spec, logged) {
  const child = fork(fileURLToPath(new URL('./server-process.mjs', import.meta.url)), [
    JSON.stringify(spec),
  ]);
  const waiting = new Map();
  let nextId = 0;
  return new Promise((resolve, reject) => {
    child.on('message', (message) => {
      if (message.type === 'ready') {
        resolve({
          port: message.port,
          readyMs: message.readyMs,
          usage: () =>
            new Promise((done) => {
              const id = nextId++;
              waiting.set(id, done);
              child.send({ type: 'usage', id });
            }),
          close: () =>
            new Promise((done) => {
              if (!child.connected) return done();
              child.once('exit', done);
              child.send({ type: 'close' });
            }),
        });
      } else if (message.type === 'usage') {
        waiting.get(message.id)?.(message);
        waiting.delete(message.id);
      } else if (message.type === 'logged') {
        logged.push(message.message);
      } else if (message.type === 'failed') {
        reject(new Error(`the ${spec.kind} server failed to start:\n${message.message}`));
      }
    });
    child.on('exit', (code) => {
      if (code) reject(new Error(`the ${spec.kind} server exited with ${code}`));
    });
  });
}

function runGate(settings, logged) {
  const child = fork(fileURLToPath(new URL('./server-process.mjs', import.meta.url)), [
    JSON.stringify({ kind: 'gate', store: 'memory', ...settings }),
  ]);
  return new Promise((resolve, reject) => {
    child.on('message', (message) => {
      if (message.type === 'result') resolve(message.result);
      else if (message.type === 'logged') logged.push(message.message);
      else if (message.type === 'failed')
        reject(new Error(`gate.check failed:\n${message.message}`));
    });
    child.on('exit', (code) => {
      if (code) reject(new Error(`the gate process exited with ${code}`));
    });
  });
}

async function dropSchema({ databaseUrl, schema }) {
  const { default: pg } = await import('pg');
  const admin = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await admin.end();
}

async function dropKeys({ redisUrl, prefix }) {
  const { default: Redis } = await import('ioredis');
  const redis = new Redis(redisUrl);
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
}

function command() {
  const args = process.argv.slice(2).join(' ');
  const script = `node ${relative(packageDir, fileURLToPath(import.meta.url))}${args ? ` ${args}` : ''}`;
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
