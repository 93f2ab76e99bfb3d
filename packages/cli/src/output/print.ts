import type { CliIo } from '../cli-io.js';
import { terminalSafe } from './terminal-safe.js';

/**
 * Characters `JSON.stringify` leaves raw that a terminal still acts on or that
 * reorder text: DEL, C1 controls (U+0080–U+009F, where U+009B starts an escape
 * sequence), the line and paragraph separators, and the bidirectional
 * overrides and isolates. `JSON.stringify` already escapes C0 (RFC 8259 §7).
 */
const RAW_IN_JSON = /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * `JSON.stringify`, with every character a terminal could act on written as a
 * `\uXXXX` escape: the same document to a JSON parser (nothing a server sent
 * is lost), and inert when a person reads it in a terminal.
 *
 * @example
 * toJson({ name: 'a\u202eb' }) // '{"name":"a\\u202eb"}'
 */
export function toJson(value: unknown, space?: number): string {
  return JSON.stringify(value, null, space).replace(
    RAW_IN_JSON,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/**
 * Writes one JSON document to stdout (what `--json` promises scripts).
 *
 * @example
 * printJson(io, { user });
 */
export function printJson(io: CliIo, value: unknown): void {
  io.stdout(`${toJson(value, 2)}\n`);
}

/**
 * Lays rows out in aligned columns, the first row being the header. Cells are
 * passed through `terminalSafe`: they hold what the server sent.
 *
 * @example
 * formatTable([['ID', 'NAME'], ['abc', 'ci']]) // 'ID   NAME\nabc  ci\n'
 */
export function formatTable(rows: string[][]): string {
  const safe = rows.map((row) => row.map(terminalSafe));
  const widths: number[] = [];
  for (const row of safe)
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, cell.length);
    });
  return safe
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
