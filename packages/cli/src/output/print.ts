import type { CliIo } from '../cli-io.js';

/**
 * Writes one JSON document to stdout (what `--json` promises scripts).
 *
 * @example
 * printJson(io, { user });
 */
export function printJson(io: CliIo, value: unknown): void {
  io.stdout(`${JSON.stringify(value, null, 2)}\n`);
}

/**
 * Lays rows out in aligned columns, the first row being the header.
 *
 * @example
 * formatTable([['ID', 'NAME'], ['abc', 'ci']]) // 'ID   NAME\nabc  ci\n'
 */
export function formatTable(rows: string[][]): string {
  const widths: number[] = [];
  for (const row of rows)
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, cell.length);
    });
  return rows
    .map((row) =>
      row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  '),
    )
    .map((line) => `${line.trimEnd()}\n`)
    .join('');
}

/**
 * A short, local rendering of an ISO time, or `never`.
 *
 * @example
 * when('2026-06-01T12:00:00.000Z') // '2026-06-01 12:00 UTC'
 */
export function when(iso: string | null): string {
  if (!iso) return 'never';
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}
