'use client';

/**
 * Runs the user's handler first, then ours unless the user called
 * `event.preventDefault()` (the Radix convention).
 */
export function composeEventHandlers<E extends { defaultPrevented: boolean }>(
  user: ((event: E) => void) | undefined,
  ours: (event: E) => void,
): (event: E) => void {
  return (event) => {
    user?.(event);
    // A slotted child may call a handler without an event.
    if (!event?.defaultPrevented) ours(event);
  };
}
