import { PasskeyInfo } from '@latchkey/core';
import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { passkeyProvider } from '../devices/index.js';
import type { CredentialRecord } from '../stores/contract.js';
import { toWirePasskey } from './to-wire-passkey.js';

const ONE_PASSWORD = 'bada5566-a7aa-401f-bd96-45619a55120d';
const GOOGLE = 'ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4';

function credential(aaguid: string, providerIcon: string | null): CredentialRecord {
  return {
    id: 'cred_1',
    userId: 'user_1',
    credentialId: 'Y3JlZA',
    publicKey: new Uint8Array(77),
    counter: 0,
    transports: ['internal'],
    deviceType: 'multiDevice',
    backedUp: true,
    aaguid,
    name: 'Laptop',
    providerName: passkeyProvider(aaguid)?.name ?? 'Chrome on macOS',
    providerIcon,
    createdWith: { browser: 'Chrome', os: 'macOS', deviceType: 'desktop' },
    status: 'active',
    rpId: 'example.com',
    prf: false,
    wrappedKey: null,
    createdAt: Date.UTC(2025, 0, 10),
    lastUsedAt: null,
  };
}

describe('toWirePasskey provider icons', () => {
  it('adds the dark icon the AAGUID list has for the stored icon', () => {
    const listed = passkeyProvider(ONE_PASSWORD);
    const wire = toWirePasskey(credential(ONE_PASSWORD, listed?.icon ?? null));
    expect(wire.provider.iconDark).toBe(listed?.iconDark);
    expect(wire.provider.iconDark).toMatch(/^data:image\/svg\+xml;base64,/);
    expect(z.safeParse(PasskeyInfo, wire).success).toBe(true);
  });

  it('adds none where the icon is the same on dark backgrounds, or another icon was stored', () => {
    expect(
      toWirePasskey(credential(GOOGLE, passkeyProvider(GOOGLE)?.icon ?? null)).provider,
    ).not.toHaveProperty('iconDark');
    expect(
      toWirePasskey(credential(ONE_PASSWORD, 'data:image/svg+xml;base64,PHN2Zy8+')).provider,
    ).not.toHaveProperty('iconDark');
    expect(toWirePasskey(credential(ONE_PASSWORD, null)).provider).toEqual({ name: '1Password' });
  });
});
