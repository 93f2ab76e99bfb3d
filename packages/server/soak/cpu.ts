import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** CPU seconds used so far, by who used them. */
export interface CpuSnapshot {
  /** The server processes: the live ones, and the killed ones this process reaped. */
  servers: number;
  /** The PostgreSQL postmaster and its backends, exited ones included. */
  postgres: number;
  redis: number;
  /** This process: the simulated people, the balancer and the fault proxies. */
  soak: number;
}

interface Stat {
  pid: number;
  comm: string;
  ppid: number;
  /** Own user + system time, in clock ticks. */
  own: number;
  /** User + system time of exited children it waited for, in clock ticks. */
  children: number;
}

let ticksPerSecond: number | null = null;

function ticks(): number {
  if (ticksPerSecond === null) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' })) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** `/proc/<pid>/stat`, or null when the process is gone. */
function readStat(pid: number | 'self'): Stat | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name is in parentheses and may hold spaces: split after the last ')'.
  const close = text.lastIndexOf(')');
  const comm = text.slice(text.indexOf('(') + 1, close);
  const fields = text
    .slice(close + 2)
    .split(' ')
    .map(Number);
  // Field n of proc(5) is fields[n - 3]: ppid 4, utime 14, stime 15, cutime 16, cstime 17.
  return {
    pid: Number(text.slice(0, text.indexOf(' '))),
    comm,
    ppid: fields[1]!,
    own: fields[11]! + fields[12]!,
    children: fields[13]! + fields[14]!,
  };
}

function allStats(): Stat[] {
  const stats: Stat[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readStat(Number(name));
    if (stat) stats.push(stat);
  }
  return stats;
}

/**
 * Where the machine's CPU went so far: the soak's server processes, PostgreSQL,
 * Redis and the soak itself, from `/proc` (Linux); null elsewhere. The
 * difference of two snapshots is what a stretch of load cost.
 *
 * @example
 * const before = cpuSnapshot(servers.map((s) => s.pid));
 */
export function cpuSnapshot(serverPids: readonly number[]): CpuSnapshot | null {
  const self = readStat('self');
  if (!self) return null;
  const stats = allStats();
  const byPid = new Map(stats.map((stat) => [stat.pid, stat]));
  const sum = (list: Stat[], take: (stat: Stat) => number) =>
    list.reduce((total, stat) => total + take(stat), 0) / ticks();
  const postgres = stats.filter((stat) => stat.comm === 'postgres');
  // The postmaster is the one whose parent is not PostgreSQL; its children's
  // exited backends count in its `children` time.
  const postmasters = postgres.filter((stat) => byPid.get(stat.ppid)?.comm !== 'postgres');
  const live = new Set(serverPids);
  return {
    servers:
      sum(
        stats.filter((stat) => live.has(stat.pid)),
        (stat) => stat.own,
      ) +
      self.children / ticks(),
    postgres: sum(postgres, (stat) => stat.own) + sum(postmasters, (stat) => stat.children),
    redis: sum(
      stats.filter((stat) => stat.comm === 'redis-server'),
      (stat) => stat.own,
    ),
    soak: self.own / ticks(),
  };
}

/** What happened between two snapshots. */
export function cpuBetween(from: CpuSnapshot, to: CpuSnapshot): CpuSnapshot {
  return {
    servers: to.servers - from.servers,
    postgres: to.postgres - from.postgres,
    redis: to.redis - from.redis,
    soak: to.soak - from.soak,
  };
}
