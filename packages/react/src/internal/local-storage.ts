'use client';

/** The page's `localStorage`, or `null` where there is none or it is blocked (access throws). */
export function localStorageOrNull(): Storage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}
