const FORMAT = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/**
 * A timestamp as the reader's locale writes it, to the minute.
 *
 * @example
 * formatDateTime('2025-01-10T09:30:00.000Z') // '10 Jan 2025, 09:30' in en-GB
 */
export function formatDateTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : FORMAT.format(date);
}
