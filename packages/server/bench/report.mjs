import { median, summarize } from './batch-stats.mjs';

/**
 * Prints the bench's findings: ratios first (they carry across machines),
 * absolute figures next, then where the time goes.
 *
 * @example
 * printReport({ header: ['machine  …'], results: [{ label: 'memory', signIn, sessions }] });
 */
export function printReport({ header, results, settings }) {
  const out = [];
  out.push('', 'Latchkey server benchmark', ...header.map((line) => `  ${line}`), '');
  out.push(
    `Each figure is the median of ${settings.batches} batches; (batches) is the lowest–highest batch ratio.`,
    'Requests run one at a time; x/s is 1000 ms divided by the median time of one.',
    '',
  );

  out.push(
    'Sign-in ceremony: POST /auth/passkeys/auth-options + POST /auth/passkeys/authenticate',
    '(handler time only; the software authenticator signs between the two, untimed)',
  );
  out.push(
    table(
      [
        'store',
        'handler ÷ bare verify',
        '(batches)',
        'per ceremony',
        'options',
        'authenticate',
        'bare verify',
        'ceremonies/s',
        'batch',
      ],
      results.map(({ label, signIn }) => {
        const ratio = summarize(signIn.batches.map((b) => b.ratio));
        const handler = median(signIn.batches.map((b) => b.handlerMs));
        return [
          label,
          `${ratio.median.toFixed(1)}×`,
          `(${ratio.min.toFixed(1)}–${ratio.max.toFixed(1)}×)`,
          ms(handler),
          ms(median(signIn.batches.map((b) => b.optionsMs))),
          ms(median(signIn.batches.map((b) => b.authenticateMs))),
          ms(median(signIn.batches.map((b) => b.bareMs))),
          perSecond(handler),
          String(signIn.batchSize),
        ];
      }),
    ),
    '',
  );

  out.push('Session check: GET /auth/session with a valid session cookie');
  out.push(
    table(
      [
        'store',
        'handler ÷ minimal',
        '(batches)',
        'per check',
        'checks/s',
        'minimal handler',
        'minimal/s',
        'batch',
      ],
      results.map(({ label, sessions }) => {
        const ratio = summarize(sessions.batches.map((b) => b.ratio));
        const handler = median(sessions.batches.map((b) => b.latchkeyMs));
        const minimal = median(sessions.batches.map((b) => b.minimalMs));
        return [
          label,
          `${ratio.median.toFixed(1)}×`,
          `(${ratio.min.toFixed(1)}–${ratio.max.toFixed(1)}×)`,
          ms(handler),
          perSecond(handler),
          ms(minimal),
          perSecond(minimal),
          `${sessions.sizes.latchkey} / ${sessions.sizes.minimal}`,
        ];
      }),
    ),
    '',
  );

  out.push('Where the time goes (a separate profiling pass that times every store call)');
  out.push(
    table(
      ['store', 'request', 'total', 'in the store', 'store calls, in order (median ms each)'],
      results.flatMap(({ label, signIn, sessions }) => [
        profileRow(label, 'auth-options', signIn.profile.options),
        profileRow(label, 'authenticate', signIn.profile.authenticate),
        profileRow(label, 'GET session', sessions.profile),
      ]),
    ),
    '',
  );
  console.log(out.join('\n'));
}

function profileRow(label, request, samples) {
  const total = median(samples.map((s) => s.ms));
  const inStore = median(samples.map((s) => s.storeMs));
  return [
    label,
    request,
    ms(total),
    `${ms(inStore)} (${Math.round((100 * inStore) / total)}%)`,
    callList(samples),
  ];
}

/**
 * The store calls one request makes, in order, each with its median duration
 * over the samples: `getUser 0.21, appendAudit 0.30`.
 */
function callList(samples) {
  const durations = new Map();
  for (const { calls } of samples) {
    const seen = new Map();
    for (const { name, ms } of calls) {
      // The second getUser of a request is its own column, not a second sample of the first.
      const n = (seen.get(name) ?? 0) + 1;
      seen.set(name, n);
      const key = n > 1 ? `${name} #${n}` : name;
      durations.set(key, [...(durations.get(key) ?? []), ms]);
    }
  }
  return [...durations]
    .map(([name, values]) => `${name} ${median(values).toFixed(median(values) < 0.1 ? 3 : 2)}`)
    .join(', ');
}

function ms(value) {
  const digits = value < 0.1 ? 4 : value < 1 ? 3 : value < 10 ? 2 : 1;
  return `${value.toFixed(digits)} ms`;
}

function perSecond(msEach) {
  return Math.round(1000 / msEach).toLocaleString('en-US');
}

function table(head, rows) {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells) =>
    `  ${cells
      .map((cell, i) => cell.padEnd(widths[i]))
      .join('  ')
      .trimEnd()}`;
  return [line(head), line(widths.map((w) => '─'.repeat(w))), ...rows.map(line)].join('\n');
}
