/**
 * Runs `op` on `concurrency` workers for `durationMs` and measures it: operations
 * per second, latency percentiles (what `op` returns, in ms), the rate in the
 * first and the last window of the run (a rate that falls within a run shows a
 * server getting slower as it works: growing maps, garbage, a leak), and the
 * server's CPU time and RSS through `usage()`.
 *
 * @example
 * const m = await measure({ op, concurrency: 8, durationMs: 3000, windowMs: 1000, usage });
 * m.perSecond, m.p99Ms, m.cpuUsPerOp
 */
export async function measure({ op, concurrency, durationMs, windowMs, usage }) {
  const latencies = [];
  const doneAt = [];
  const before = usage ? await usage() : null;
  const clientBefore = process.cpuUsage();
  const started = performance.now();
  const deadline = started + durationMs;
  const worker = async () => {
    while (performance.now() < deadline) {
      latencies.push(await op());
      doneAt.push(performance.now() - started);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsedMs = performance.now() - started;
  const client = process.cpuUsage(clientBefore);
  const after = usage ? await usage() : null;

  latencies.sort((a, b) => a - b);
  const ops = latencies.length;
  const inWindow = (from, to) => doneAt.filter((t) => t >= from && t < to).length;
  const serverCpuUs = after ? cpuUs(after.cpu) - cpuUs(before.cpu) : null;
  return {
    ops,
    elapsedMs,
    perSecond: (ops * 1000) / elapsedMs,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    firstPerSecond: (inWindow(0, windowMs) * 1000) / windowMs,
    lastPerSecond: (inWindow(durationMs - windowMs, durationMs) * 1000) / windowMs,
    serverCpuUsPerOp: serverCpuUs === null ? null : serverCpuUs / ops,
    // Server CPU ÷ wall time: near 100% means the server's one thread was the limit.
    serverBusy: serverCpuUs === null ? null : serverCpuUs / 1000 / elapsedMs,
    clientCpuUsPerOp: (client.user + client.system) / ops,
    rssBytes: after?.rss ?? null,
  };
}

function cpuUs(cpu) {
  return cpu.user + cpu.system;
}

/** Nearest-rank percentile of a sorted array. */
export function percentile(sorted, p) {
  if (!sorted.length) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
}
