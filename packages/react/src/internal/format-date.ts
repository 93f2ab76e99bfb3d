'use client';

/** A date as the reader's locale writes it ("10 Jan 2025" in en-GB). */
export function formatDate(iso: string, locale?: string): string {
  return new Date(iso).toLocaleDateString(locale, { dateStyle: 'medium' });
}
