/**
 * Prints the bench's table: for each workload and concurrency, each server's
 * throughput, latency, server CPU per operation and memory, with ratios to the
 * reference server measured in the same run.
 *
 * @example
 * printReport(report); // the object run.mjs also writes as JSON
 */
export function printReport(report) {
  const { settings } = report;
  const out = [
    '',
    'Latchkey server benchmark',
    `  command  ${report.command}`,
    `  machine  ${report.machine}`,
    `  node     ${report.node}`,
    `  load     ${loads(report.loadBefore)} before, ${loads(report.loadAfter)} after (1, 5, 15 min)`,
    `  run      ${settings.preset}: ${settings.repetitions} × ${settings.repMs / 1000} s per cell after ${settings.warmupMs / 1000} s warm-up; ${report.seconds.toFixed(0)} s in all`,
    '',
    'Over HTTP (keep-alive node:http client, software authenticator, each server in its own process).',
    'ops/s and latencies are medians over repetitions; CPU/op is the server process’s user+system time',
    'per operation; busy = server CPU ÷ wall time (≈100% means its one thread was the limit);',
    'first→last = ops/s in the first and last window of the last repetition.',
    '',
  ];
  const names = {
    ceremony: 'Sign-in ceremony (POST auth-options + POST authenticate; latency excludes signing)',
    session: 'Session check (GET /auth/session with a valid cookie)',
  };
  for (const workload of ['ceremony', 'session']) {
    out.push(names[workload]);
    const rows = [];
    for (const cell of report.cells.filter((c) => c.workload === workload)) {
      const reference = summarise(cell.rows[0].repetitions);
      for (const row of cell.rows) {
        const s = summarise(row.repetitions);
        const last = row.repetitions.at(-1);
        rows.push([
          `c=${cell.concurrency}`,
          row.label,
          fixed(s.perSecond),
          row === cell.rows[0] ? '1' : `${(s.perSecond / reference.perSecond).toFixed(2)}×`,
          ms(s.p50Ms),
          ms(s.p99Ms),
          `${fixed(s.serverCpuUsPerOp)} µs`,
          row === cell.rows[0]
            ? '1'
            : `${(s.serverCpuUsPerOp / reference.serverCpuUsPerOp).toFixed(1)}×`,
          `${Math.round(s.serverBusy * 100)}%`,
          `${fixed(last.firstPerSecond)}→${fixed(last.lastPerSecond)}`,
          `${Math.round(last.rssBytes / 2 ** 20)} MiB`,
        ]);
      }
    }
    out.push(
      table(
        [
          'c',
          'server',
          'ops/s',
          '÷ ref',
          'p50',
          'p99',
          'CPU/op',
          '÷ ref',
          'busy',
          'first→last',
          'RSS',
        ],
        rows,
      ),
      '',
    );
  }
  if (report.skipped.length) out.push(...report.skipped.map((s) => `skipped: ${s}`), '');

  out.push('gate.check in-process, memory store, one thread (no HTTP; the same Request each time)');
  out.push(
    table(
      ['c', 'checks/s', 'p50', 'p99', 'CPU/check'],
      report.gate.rows.map((row) => {
        const s = summarise(row.repetitions);
        return [
          `c=${row.concurrency}`,
          fixed(s.perSecond),
          ms(s.p50Ms),
          ms(s.p99Ms),
          `${fixed(s.serverCpuUsPerOp)} µs`,
        ];
      }),
      1,
    ),
  );
  console.log(out.join('\n'));
}

function summarise(repetitions) {
  const pick = (key) => median(repetitions.map((r) => r[key]));
  return {
    perSecond: pick('perSecond'),
    p50Ms: pick('p50Ms'),
    p99Ms: pick('p99Ms'),
    serverCpuUsPerOp: pick('serverCpuUsPerOp'),
    serverBusy: pick('serverBusy'),
  };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function table(header, rows, leftColumns = 2) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) =>
    `| ${cells.map((cell, i) => (i < leftColumns ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join(' | ')} |`;
  return [
    line(header),
    `|${widths.map((w, i) => `${'-'.repeat(w + 1)}${i < leftColumns ? '-' : ':'}`).join('|')}|`,
    ...rows.map(line),
  ].join('\n');
}

function fixed(value) {
  return Math.round(value).toLocaleString('en-US');
}

function ms(value) {
  return value < 1 ? `${(value * 1000).toFixed(0)} µs` : `${value.toFixed(2)} ms`;
}

function loads(values) {
  return values.map((v) => v.toFixed(2)).join(' ');
}
