/**
 * A device code as the server writes it (`ABCD-EFGH`), or null when what was
 * typed cannot be one: eight letters and digits, spaces and dashes ignored.
 *
 * @example
 * normaliseUserCode(' wdjb mjht ') // 'WDJB-MJHT'
 * normaliseUserCode('WDJB')        // null
 */
export function normaliseUserCode(typed: string): string | null {
  const code = typed.toUpperCase().replace(/[\s-]/g, '');
  return /^[A-Z0-9]{8}$/.test(code) ? `${code.slice(0, 4)}-${code.slice(4)}` : null;
}
