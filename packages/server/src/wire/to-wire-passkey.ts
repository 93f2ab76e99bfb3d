import type { PasskeyInfo } from '@latchkey/core';
import { passkeyProvider } from '../devices/index.js';
import type { CredentialRecord } from '../stores/contract.js';

const iso = (ms: number) => new Date(ms).toISOString();

/** The wire shape of a passkey (`PasskeyInfo`). */
export function toWirePasskey(c: CredentialRecord): PasskeyInfo {
  return {
    id: c.id,
    credentialId: c.credentialId,
    name: c.name,
    createdAt: iso(c.createdAt),
    lastUsedAt: c.lastUsedAt === null ? null : iso(c.lastUsedAt),
    transports: c.transports,
    deviceType: c.deviceType,
    backedUp: c.backedUp,
    aaguid: c.aaguid,
    provider: c.providerIcon ? withIcons(c, c.providerIcon) : { name: c.providerName },
    createdWith: c.createdWith,
    status: c.status,
    rpId: c.rpId,
    prf: c.prf,
  };
}

/**
 * The stored name and icon, and the dark icon the AAGUID list has for that same icon (read
 * here rather than stored, so passkeys made before dark icons existed get one too).
 */
function withIcons(c: CredentialRecord, icon: string): PasskeyInfo['provider'] {
  const listed = passkeyProvider(c.aaguid);
  return listed?.iconDark && listed.icon === icon
    ? { name: c.providerName, icon, iconDark: listed.iconDark }
    : { name: c.providerName, icon };
}
