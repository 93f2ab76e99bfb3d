import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import pg from 'pg';
import { type FaultProxy, startFaultProxy } from '../test/fault-proxy.js';
import { type CpuSnapshot, cpuBetween, cpuSnapshot } from './cpu.js';
import { ORIGIN } from './http.js';
import { type FaultKind, percentile, Recorder } from './recorder.js';
import { startRoundRobin } from './round-robin.js';
import type { ServerMessage, ServerSpec } from './server-process.js';
import { SimulatedUser, type World } from './simulated-user.js';

export interface SoakOptions {
  databaseUrl: string;
  redisUrl: string;
  /** How long the load runs (faults included), before the final checks. */
  durationMs: number;
  /** Server processes behind the balancer (default 3). */
  servers?: number;
  /** Simulated people acting at once (default 24). */
  users?: number;
  /** The servers' `requestTimeout` (default 5,000 ms). */
  requestTimeout?: number;
  /** Inject faults (default true). */
  faults?: boolean;
  /** How long a cut or blackhole lasts; delays and skew last twice as long (default 4,000 ms). */
  faultMs?: number;
  /** Quiet time between two faults (default 8,000 ms). */
  gapMs?: number;
  /**
   * Each fault is injected at least this often (default 1); the load goes on
   * past `durationMs` until it was.
   */
  minEachFault?: number;
  /** After a fault ends, how long the stores' clients get to notice (default 2,000 ms). */
  graceMs?: number;
  seed?: number;
  /** Where progress lines go (default: nowhere). */
  progress?: (line: string) => void;
}

export interface SoakResult {
  ok: boolean;
  /** The printed report. */
  report: string;
  violations: Map<string, string[]>;
  requests: number;
  ceremoniesPerSecond: number;
  p99Ms: number;
  faults: Map<FaultKind, number>;
}

const SERVER_SCRIPT = fileURLToPath(new URL('./server-process.ts', import.meta.url));
const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
const FAULT_ORDER: FaultKind[] = [
  'pg-cut',
  'redis-cut',
  'server-kill',
  'pg-delay',
  'clock-skew',
  'pg-blackhole',
  'redis-blackhole',
  'redis-delay',
];
const SKEW_MS = 120_000;

/** A small seeded PRNG (mulberry32): the same seed makes the same choices. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One server process and the ones that replaced it after a kill. */
class Instance {
  child: ChildProcess | null = null;
  port = 0;
  incarnation = 0;
  killing = false;
  /** RSS (bytes) per incarnation: [after warm-up, latest]. */
  readonly rss: {
    incarnation: number;
    startedAt: number;
    first: number | null;
    last: number | null;
    heapFirst: number | null;
    heapLast: number | null;
  }[] = [];
  private asked = 0;
  private readonly waiting = new Map<number, (usage: { rss: number; heap: number }) => void>();

  constructor(
    readonly name: string,
    private readonly spec: Omit<ServerSpec, 'name' | 'port'>,
    private readonly recorder: Recorder,
    private readonly logged: Map<string, number>,
  ) {}

  async start(): Promise<void> {
    this.incarnation += 1;
    this.rss.push({
      incarnation: this.incarnation,
      startedAt: performance.now(),
      first: null,
      last: null,
      heapFirst: null,
      heapLast: null,
    });
    const spec: ServerSpec = { ...this.spec, name: this.name, port: this.port };
    const child = fork(SERVER_SCRIPT, [JSON.stringify(spec)], {
      cwd: PACKAGE_DIR,
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, LATCHKEY_SOAK_CLOCK_OFFSET_MS: '0' },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.child = child;
    const incarnation = this.incarnation;
    child.on('message', (message: ServerMessage) => {
      if (message.type === 'usage') this.waiting.get(message.id)?.(message);
      if (message.type === 'logged') {
        const key = `${message.message}`;
        this.logged.set(key, (this.logged.get(key) ?? 0) + 1);
        if (message.message === 'unexpected error')
          this.recorder.violate('no 500', `${this.name} logged: ${message.error}`);
      }
    });
    child.on('exit', (code, signal) => {
      if (this.killing && signal === 'SIGKILL') return;
      if (this.child === child && !this.closing)
        this.recorder.violate(
          'no process ends on a fault',
          `${this.name}#${incarnation} exited (${code ?? signal})`,
        );
    });
    const ready = await new Promise<Extract<ServerMessage, { type: 'ready' }>>(
      (resolve, reject) => {
        child.on('message', (message: ServerMessage) => {
          if (message.type === 'ready') resolve(message);
        });
        child.once('exit', (code) => reject(new Error(`${this.name} did not start (${code})`)));
      },
    );
    this.port = ready.port;
  }

  closing = false;

  async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.killing = true;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
    this.killing = false;
  }

  skew(offsetMs: number): void {
    this.child?.send({ type: 'skew', offsetMs });
  }

  /** Samples this incarnation's RSS; `first` is the first sample after `warmUpMs` of it. */
  async sample(warmUpMs: number): Promise<void> {
    const child = this.child;
    if (!child?.connected) return;
    const id = ++this.asked;
    const usage = await Promise.race([
      new Promise<{ rss: number; heap: number }>((resolve) => {
        this.waiting.set(id, resolve);
        child.send({ type: 'usage', id });
      }),
      sleep(2_000).then(() => null),
    ]);
    this.waiting.delete(id);
    const entry = this.rss.at(-1)!;
    if (!usage || entry.incarnation !== this.incarnation) return;
    if (performance.now() - entry.startedAt < warmUpMs) return;
    entry.first ??= usage.rss;
    entry.last = usage.rss;
    entry.heapFirst ??= usage.heap;
    entry.heapLast = usage.heap;
  }

  async close(): Promise<void> {
    this.closing = true;
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = once(child, 'exit');
    child.disconnect();
    await Promise.race([exited, sleep(3_000).then(() => child.kill('SIGKILL'))]);
  }
}

/**
 * Runs Latchkey as it is deployed: `servers` processes behind a round-robin
 * balancer on 127.0.0.1, sharing PostgreSQL and Redis through fault proxies,
 * driven by `users` simulated people, while faults are injected in turn. Then
 * checks every invariant and prints what happened.
 *
 * @example
 * const result = await runSoak({ databaseUrl, redisUrl, durationMs: 30_000 });
 * if (!result.ok) process.exitCode = 1;
 */
export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const servers = options.servers ?? 3;
  const userCount = options.users ?? 24;
  const requestTimeout = options.requestTimeout ?? 5_000;
  const faultMs = options.faultMs ?? 4_000;
  const gapMs = options.gapMs ?? 8_000;
  const graceMs = options.graceMs ?? 2_000;
  const random = seeded(options.seed ?? 1);
  const progress = options.progress ?? (() => {});
  const runId = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
  const schema = `latchkey_soak_${runId}`;
  const prefix = `latchkey-soak:${runId}:`;
  const recorder = new Recorder(graceMs);
  const logged = new Map<string, number>();

  const pgTarget = new URL(options.databaseUrl);
  const redisTarget = new URL(options.redisUrl);
  const pgProxy = await startFaultProxy(Number(pgTarget.port || 5432), pgTarget.hostname);
  const redisProxy = await startFaultProxy(Number(redisTarget.port || 6379), redisTarget.hostname);
  const through = (url: URL, proxy: FaultProxy) => {
    const copy = new URL(url);
    copy.host = proxy.address;
    return copy.href;
  };
  const admin = new pg.Pool({ connectionString: options.databaseUrl, max: 2 });
  const instances = Array.from(
    { length: servers },
    (_, i) =>
      new Instance(
        String.fromCharCode(65 + i),
        {
          databaseUrl: through(pgTarget, pgProxy),
          schema,
          redisUrl: through(redisTarget, redisProxy),
          prefix,
          origin: ORIGIN,
          secret: `soak-secret-${runId}-0123456789abcdef0123456789`,
          requestTimeout,
        },
        recorder,
        logged,
      ),
  );
  // The first one migrates alone; the others start together, as a rollout does.
  await instances[0]!.start();
  await Promise.all(instances.slice(1).map((instance) => instance.start()));
  const balancer = await startRoundRobin(instances.map((instance) => instance.port));
  progress(
    `${servers} instances on ports ${instances.map((i) => i.port).join(', ')} behind 127.0.0.1:${balancer.port}; schema ${schema}`,
  );

  const world: World = {
    balancer: balancer.port,
    instances: instances.map((instance) => instance.port),
    recorder,
    hangMs: requestTimeout + 2_000,
    runId,
    random,
  };

  // The load's time starts once every instance serves (tsx start-up is not load).
  const serverPids = () => instances.flatMap((instance) => instance.child?.pid ?? []);
  const cpuStarted = cpuSnapshot(serverPids());
  const loadStarted = performance.now();
  const loadEnds = loadStarted + options.durationMs;
  const people: SimulatedUser[] = [];
  let generation = 0;
  let faultsOver = options.faults === false;
  const loading = () => performance.now() < loadEnds || !faultsOver;
  const actor = async (n: number) => {
    while (loading()) {
      const person = new SimulatedUser(world, `u${n}-${generation++}`);
      people.push(person);
      const steps = 15 + Math.floor(random() * 30);
      for (let i = 0; i < steps && loading(); i++) {
        // A throw here is the soak's own bug, not the server's: reported, never hidden.
        await person.step().catch((error: unknown) => {
          recorder.violate('the soak itself runs', String((error as Error)?.stack ?? error));
        });
      }
    }
  };

  // Signature counters, read straight from PostgreSQL: none may ever go down.
  const counters = new Map<string, number>();
  const sampleCounters = async (): Promise<Map<string, number>> => {
    const { rows } = await admin.query<{ credential_id: string; counter: string }>(
      `SELECT credential_id, counter FROM "${schema}".credentials`,
    );
    const current = new Map(rows.map((row) => [row.credential_id, Number(row.counter)]));
    recorder.checked('signature counters never go backwards');
    for (const row of rows) {
      const now = Number(row.counter);
      const before = counters.get(row.credential_id);
      if (before !== undefined && now < before)
        recorder.violate(
          'signature counters never go backwards',
          `${row.credential_id}: ${before} → ${now}`,
        );
      counters.set(row.credential_id, now);
    }
    return current;
  };

  const faultCounts = new Map<FaultKind, number>();
  const minEach = options.minEachFault ?? 1;
  const faults = async () => {
    let i = 0;
    for (;;) {
      await sleep(gapMs);
      const kind = FAULT_ORDER[i++ % FAULT_ORDER.length]!;
      const length = kind.endsWith('delay') || kind === 'clock-skew' ? faultMs * 2 : faultMs;
      const owed = FAULT_ORDER.some((k) => (faultCounts.get(k) ?? 0) < minEach);
      if (!owed && performance.now() + length + graceMs > loadEnds) return;
      faultCounts.set(kind, (faultCounts.get(kind) ?? 0) + 1);
      const window = recorder.begin(kind);
      progress(`fault: ${kind} (${length} ms)`);
      if (kind === 'server-kill') {
        // Never the first instance: its memory is measured over the whole run.
        const victim = instances[1 + Math.floor(random() * (instances.length - 1))]!;
        await victim.kill();
        await sleep(Math.min(length, 1_000));
        await victim.start();
        progress(`  ${victim.name} restarted as #${victim.incarnation}`);
      } else if (kind === 'clock-skew') {
        instances.forEach((instance, n) => {
          instance.skew([SKEW_MS, -SKEW_MS, 0][n % 3]!);
        });
        await sleep(length);
        for (const instance of instances) instance.skew(0);
      } else {
        const proxy = kind.startsWith('pg') ? pgProxy : redisProxy;
        proxy.set(
          kind.endsWith('cut') ? 'refuse' : kind.endsWith('delay') ? 'delay' : 'blackhole',
          200,
        );
        await sleep(length);
        proxy.set('pass');
      }
      recorder.end(window);
    }
  };

  // RSS is compared from this long after each process (re)started.
  const warmUp = Math.min(15_000, options.durationMs / 4);
  let sampling = true;
  const sampler = async () => {
    await sleep(warmUp);
    while (sampling) {
      await Promise.all(instances.map((instance) => instance.sample(warmUp)));
      await sampleCounters().catch(() => {});
      await sleep(2_000);
    }
  };
  const samplerDone = sampler();
  const faultsDone =
    options.faults === false
      ? Promise.resolve()
      : faults().finally(() => {
          faultsOver = true;
        });
  await Promise.all([...Array.from({ length: userCount }, (_, n) => actor(n)), faultsDone]);
  const loadMs = performance.now() - loadStarted;
  const cpuEnded = cpuSnapshot(serverPids());
  const cpu = cpuStarted && cpuEnded ? cpuBetween(cpuStarted, cpuEnded) : null;
  progress(`load over after ${(loadMs / 1000).toFixed(0)} s; final checks`);

  // Every fault is over: after the grace, every account must be whole and open.
  await sleep(graceMs);
  const queue = [...people];
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let person = queue.shift(); person; person = queue.shift()) await person.finalCheck();
    }),
  );
  sampling = false;
  await samplerDone;
  await Promise.all(instances.map((instance) => instance.sample(warmUp)));
  const stored = await sampleCounters();

  // What a sign-in acknowledged is never undone (for the passkeys still there).
  for (const person of people) {
    for (const [credentialId, acked] of person.acked) {
      const now = stored.get(credentialId);
      if (now !== undefined && now < acked)
        recorder.violate(
          'signature counters never go backwards',
          `${credentialId}: acknowledged ${acked}, stored ${now}`,
        );
    }
  }
  // Whole or nothing: every account has its passkey, its recovery codes and its `user.created`.
  const { rows: broken } = await admin.query<{ id: string }>(
    `SELECT u.id FROM "${schema}".users u
      WHERE NOT EXISTS (SELECT 1 FROM "${schema}".credentials c WHERE c.user_id = u.id)
         OR NOT EXISTS (SELECT 1 FROM "${schema}".recovery_codes r WHERE r.user_id = u.id)
         OR NOT EXISTS (SELECT 1 FROM "${schema}".audit_events a
                         WHERE a.user_id = u.id AND a.type = 'user.created')`,
  );
  recorder.checked('no half-written sign-up');
  for (const row of broken) recorder.violate('no half-written sign-up', row.id);
  const { rows: userRows } = await admin.query<{ n: string }>(
    `SELECT count(*) AS n FROM "${schema}".users`,
  );

  const report = describe({
    recorder,
    instances,
    servers,
    userCount,
    loadMs,
    cpu,
    faultCounts,
    logged,
    people,
    accounts: Number(userRows[0]?.n ?? 0),
    balancerCounts: balancer.counts,
    options: { requestTimeout, faultMs, gapMs, graceMs, durationMs: options.durationMs },
  });

  await Promise.all(instances.map((instance) => instance.close()));
  await balancer.close();
  await pgProxy.close();
  await redisProxy.close();
  await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await admin.end();
  await dropKeys(options.redisUrl, prefix);

  const sorted = [...recorder.latencies].sort((a, b) => a - b);
  return {
    ok: recorder.violationCount === 0,
    report,
    violations: recorder.violations,
    requests: recorder.requests,
    ceremoniesPerSecond: recorder.ceremonies / (loadMs / 1000),
    p99Ms: percentile(sorted, 0.99),
    faults: faultCounts,
  };
}

async function dropKeys(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true });
  await redis.connect();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) await redis.del(...keys);
  } while (cursor !== '0');
  await redis.quit();
}

function describe(run: {
  recorder: Recorder;
  instances: Instance[];
  servers: number;
  userCount: number;
  loadMs: number;
  cpu: CpuSnapshot | null;
  faultCounts: Map<FaultKind, number>;
  logged: Map<string, number>;
  people: SimulatedUser[];
  accounts: number;
  balancerCounts: Map<number, number>;
  options: {
    requestTimeout: number;
    faultMs: number;
    gapMs: number;
    graceMs: number;
    durationMs: number;
  };
}): string {
  const { recorder, loadMs } = run;
  const seconds = loadMs / 1000;
  const lines: string[] = [];
  const out = (line = '') => lines.push(line);
  const all = [...recorder.latencies].sort((a, b) => a - b);
  const quiet = [...recorder.quietLatencies].sort((a, b) => a - b);
  const ms = (n: number) => `${n.toFixed(0)} ms`;

  out(
    `Latchkey soak: ${run.servers} instances, ${run.userCount} simulated users, ${seconds.toFixed(0)} s of load; requestTimeout ${run.options.requestTimeout} ms, faults ${run.options.faultMs} ms (delay/skew ×2) every ${run.options.gapMs} ms, grace ${run.options.graceMs} ms`,
  );
  out(
    `requests: ${recorder.requests} (${(recorder.requests / seconds).toFixed(0)}/s); ceremonies that succeeded: ${recorder.ceremonies} (${(recorder.ceremonies / seconds).toFixed(0)}/s); people: ${run.people.length}, accounts stored: ${run.accounts}`,
  );
  out(
    `latency: p50 ${ms(percentile(all, 0.5))}, p99 ${ms(percentile(all, 0.99))}, max ${ms(all.at(-1) ?? 0)}; without faults: p50 ${ms(percentile(quiet, 0.5))}, p99 ${ms(percentile(quiet, 0.99))}`,
  );
  if (run.cpu) {
    const { servers, postgres, redis, soak } = run.cpu;
    const total = servers + postgres + redis + soak;
    const cores = availableParallelism();
    const perCeremony = (s: number) =>
      `${((s * 1000) / Math.max(recorder.ceremonies, 1)).toFixed(1)}`;
    out(
      `CPU during the load: ${total.toFixed(0)} s of the machine's ${cores} × ${seconds.toFixed(0)} s (${((total / (cores * seconds)) * 100).toFixed(0)}%): servers ${servers.toFixed(0)} s, PostgreSQL ${postgres.toFixed(0)} s, Redis ${redis.toFixed(0)} s, the soak (people, balancer, proxies) ${soak.toFixed(0)} s`,
    );
    out(
      `CPU per succeeded ceremony (with the rest of each life around it): ${perCeremony(total)} ms (servers ${perCeremony(servers)}, PostgreSQL ${perCeremony(postgres)}, Redis ${perCeremony(redis)}, soak ${perCeremony(soak)})`,
    );
  }
  out(
    `faults injected: ${[...run.faultCounts].map(([kind, n]) => `${kind} ×${n}`).join(', ') || 'none'}`,
  );
  out();
  out('Answers by the fault they met (including the grace after it):');
  for (const [fault, table] of [...recorder.byFault].sort()) {
    const total = [...table.values()].reduce((a, b) => a + b, 0);
    const parts = [...table]
      .sort((a, b) => b[1] - a[1])
      .map(([outcome, n]) => `${outcome} ×${n}`)
      .join(', ');
    out(`  ${fault.padEnd(16)} ${String(total).padStart(7)}  ${parts}`);
  }
  out();
  out('Answers that were not 2xx, by route:');
  const failures = [...recorder.outcomes].filter(([key]) => !/→ 2\d\d$/.test(key));
  for (const [key, n] of failures.sort((a, b) => b[1] - a[1]).slice(0, 30))
    out(`  ${String(n).padStart(6)}  ${key}`);
  out();
  out('Memory per server process (each incarnation), after its warm-up → at the end:');
  for (const instance of run.instances) {
    for (const entry of instance.rss) {
      if (entry.first === null || entry.last === null) continue;
      const mib = (n: number) => `${(n / 2 ** 20).toFixed(0)} MiB`;
      const change = (from: number, to: number) =>
        `${to >= from ? '+' : ''}${(((to - from) / from) * 100).toFixed(1)}%`;
      out(
        `  ${instance.name}#${entry.incarnation}  RSS ${mib(entry.first)} → ${mib(entry.last)} (${change(entry.first, entry.last)}), heap used ${mib(entry.heapFirst ?? 0)} → ${mib(entry.heapLast ?? 0)}`,
      );
    }
  }
  out(`balancer connections per instance: ${[...run.balancerCounts.values()].join(', ')}`);
  out(
    `logged by the servers: ${[...run.logged].map(([message, n]) => `${message} ×${n}`).join(', ') || 'nothing'}`,
  );
  out();
  out('Invariants:');
  const names = new Set([...recorder.checks.keys(), ...recorder.violations.keys()]);
  for (const name of [...names].sort()) {
    const violated = recorder.violations.get(name) ?? [];
    out(
      `  ${violated.length ? '✗' : '✓'} ${name}: ${recorder.checks.get(name) ?? 0} checks, ${violated.length} violations`,
    );
    for (const detail of violated.slice(0, 5)) out(`      ${detail}`);
  }
  out();
  out(
    recorder.violationCount === 0
      ? 'PASS: no invariant was violated.'
      : `FAIL: ${recorder.violationCount} violations.`,
  );
  return lines.join('\n');
}
