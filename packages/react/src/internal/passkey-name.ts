import { defaultPasskeyName } from '@latchkey/core';

/** The name a new passkey is given: the one typed (trimmed), else this browser's, at most 64 characters. */
export function passkeyName(name: string | undefined): string {
  return (name?.trim() || defaultPasskeyName(globalThis.navigator?.userAgent)).slice(0, 64);
}
