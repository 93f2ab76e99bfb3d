'use client';

/**
 * A polite live region (`role="status"`). It is always rendered, empty until
 * there is news, because screen readers only announce changes to a region that
 * was already in the page (WAI-ARIA 1.2 §6.3.10, aria-live).
 */
export function StatusMessage({
  message,
  tone,
}: {
  message: string | null;
  tone?: 'error' | 'success';
}) {
  return (
    <span role="status" data-latchkey-status={tone ?? ''}>
      {message}
    </span>
  );
}
