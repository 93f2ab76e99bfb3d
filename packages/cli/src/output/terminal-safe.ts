/**
 * Terminal escape sequences, whole, so none of their parameters is left behind
 * as text (ECMA-48 §5.4): CSI (`ESC [` or C1 `0x9B`, then parameter and
 * intermediate bytes, then one final byte); OSC, DCS, SOS, PM and APC strings
 * (`ESC ]`, `ESC P`, `ESC X`, `ESC ^`, `ESC _` or their C1 forms) up to BEL or
 * ST, or to the end of the text when unterminated; any other two-byte `ESC x`.
 */
const ESCAPE_SEQUENCE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  /(?:\u001b\[|\u009b)[\u0030-\u003f]*[\u0020-\u002f]*[\u0040-\u007e]?|(?:\u001b[\]PX^_]|[\u0090\u0098\u009d-\u009f])[^\u0007\u001b\u009c]*(?:\u0007|\u001b\\|\u009c)?|\u001b[\u0020-\u007e]?/g;

/**
 * What is left to remove: C0 controls (newline and tab too: a server must not
 * start a line that looks like ours), DEL, C1 controls, and the bidirectional
 * embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) that let
 * text display in another order than it reads (CVE-2021-42574, "Trojan Source").
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * `text` with every terminal escape sequence and control character removed, so
 * what a server sends (a user code, a name, an error message) is printed as
 * the characters it shows and cannot move the cursor, recolour or retitle the
 * terminal, rewrite a line already printed, or reorder what a person reads.
 *
 * @example
 * terminalSafe('ABCD\u001b[2K-EFGH\u202e') // 'ABCD-EFGH'
 */
export function terminalSafe(text: string): string {
  return text.replace(ESCAPE_SEQUENCE, '').replace(CONTROL, '');
}
