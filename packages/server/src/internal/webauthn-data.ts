import { base64urlDecode } from '@latchkey/core';

/** The fields of CollectedClientData (WebAuthn L3 §5.8.1) that Latchkey checks itself. */
export interface ClientData {
  type: string;
  challenge: string;
  origin: string;
  crossOrigin?: boolean;
}

/** Parses `clientDataJSON`, or returns null when it is not the JSON WebAuthn specifies. */
export function parseClientData(clientDataJSON: string): ClientData | null {
  try {
    const value: unknown = JSON.parse(new TextDecoder().decode(base64urlDecode(clientDataJSON)));
    if (typeof value !== 'object' || value === null) return null;
    const { type, challenge, origin, crossOrigin } = value as Record<string, unknown>;
    if (typeof type !== 'string' || typeof challenge !== 'string' || typeof origin !== 'string')
      return null;
    return { type, challenge, origin, crossOrigin: crossOrigin === true };
  } catch {
    return null;
  }
}

/** The fixed-size head of authenticator data (WebAuthn L3 §6.1). */
export interface AuthenticatorDataHead {
  rpIdHash: Uint8Array;
  userPresent: boolean;
  userVerified: boolean;
  backupEligible: boolean;
  backupState: boolean;
  signCount: number;
}

/** Reads rpIdHash, flags and signCount from authenticator data bytes (37 bytes at least). */
export function parseAuthenticatorDataHead(authData: Uint8Array): AuthenticatorDataHead | null {
  if (authData.length < 37) return null;
  const flags = authData[32]!;
  return {
    rpIdHash: authData.slice(0, 32),
    userPresent: (flags & 0x01) !== 0,
    userVerified: (flags & 0x04) !== 0,
    backupEligible: (flags & 0x08) !== 0,
    backupState: (flags & 0x10) !== 0,
    signCount: new DataView(authData.buffer, authData.byteOffset + 33, 4).getUint32(0, false),
  };
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}
