/**
 * The name a new passkey (or a pairing device) is sent with: the one typed, trimmed,
 * at most 64 characters; none when nothing was typed, and the server then names it
 * after the browser that made it ("Chrome on macOS", core's `defaultPasskeyName`).
 */
export function passkeyName(name: string | undefined): string | undefined {
  return name?.trim().slice(0, 64) || undefined;
}
