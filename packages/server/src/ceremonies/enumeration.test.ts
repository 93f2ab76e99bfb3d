import { base64urlDecode, base64urlEncode } from '@latchkey/core';
import { describe, expect, it } from 'vitest';
import { createTestServer, type TestServer } from '../../test/harness.js';
import { randomToken } from '../internal/crypto.js';
import type { CredentialRecord } from '../stores/contract.js';
import { memoryStore } from '../stores/memory/memory-store.js';

const KNOWN = 'ada@example.com';

/** A passkey of another user, shaped as `transports` and an id of `bytes` bytes. */
async function seedPasskey(server: TestServer, transports: string[], bytes: number) {
  const template = (
    await server.store.listCredentials((await server.store.getUserByEmail(KNOWN))!.id)
  )[0]!;
  const userId = randomToken(12);
  const credential: CredentialRecord = {
    ...template,
    id: randomToken(12),
    userId,
    credentialId: base64urlEncode(crypto.getRandomValues(new Uint8Array(bytes))),
    transports,
  };
  await server.store.createUser({
    user: {
      id: userId,
      email: null,
      emailVerified: false,
      displayName: null,
      externalId: null,
      userHandle: randomToken(32),
      tier: 'standard',
      prfSalt: randomToken(32),
      createdAt: server.clock.now,
    },
    credential,
    recoveryCodeHashes: [],
  });
}

async function decoysFor(server: TestServer, email: string) {
  const res = await server.browser().call('POST', '/auth/passkeys/auth-options', { email });
  expect(res.status).toBe(200);
  return res.body.options.allowCredentials as { id: string; type: string; transports: string[] }[];
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

describe('no user enumeration', () => {
  it('finding H: register-options answers a known and an unknown email alike', async () => {
    const server = createTestServer();
    expect((await server.browser().signUp({ email: KNOWN })).status).toBe(201);
    const known = await server
      .browser()
      .call('POST', '/auth/passkeys/register-options', { email: 'ADA@example.com' });
    const unknown = await server
      .browser()
      .call('POST', '/auth/passkeys/register-options', { email: 'nobody@example.com' });
    expect(known.status).toBe(200);
    expect(unknown.status).toBe(200);
    const shape = (o: Record<string, unknown>) => ({
      ...o,
      challenge: 'x',
      user: { ...(o.user as object), id: 'x', name: 'x', displayName: 'x' },
    });
    expect(shape(known.body.options)).toEqual(shape(unknown.body.options));
    expect(known.body.options.excludeCredentials).toEqual([]);
    expect(known.body.options.user.name).toBe('ada@example.com');
    expect([...known.headers.keys()].sort()).toEqual([...unknown.headers.keys()].sort());
  });

  it('finding H: register with a known email ends in one generic answer and writes nothing', async () => {
    const server = createTestServer();
    const owner = server.browser();
    expect((await owner.signUp({ email: KNOWN })).status).toBe(201);
    const user = (await server.store.getUserByEmail(KNOWN))!;
    const before = await server.store.listCredentials(user.id);

    const other = server.browser();
    const res = await other.signUp({ email: 'Ada@Example.com' });
    expect(res.status).toBe(409);
    expect(res.body.error).toEqual({
      code: 'EMAIL_TAKEN',
      message:
        'No new account was made with this email. If it is yours, sign in with a passkey or a recovery code.',
    });
    expect(other.cookies.has('latchkey')).toBe(false);
    expect(await server.store.listCredentials(user.id)).toEqual(before);
    const passkey = other.authenticator.credentials[0]!.id;
    expect(await server.store.getCredential(passkey)).toBeNull();
  });

  it("finding H: decoys are drawn from the deployment's transports and id lengths, the same on every ask", async () => {
    const store = memoryStore();
    const server = createTestServer({ rateLimit: false }, store);
    // The test authenticator's passkeys: transports ["internal"], 32-byte ids (43 characters).
    expect((await server.browser().signUp({ email: KNOWN })).status).toBe(201);
    expect((await server.browser().signUp({ email: 'bob@example.com' })).status).toBe(201);
    await seedPasskey(server, ['nfc', 'usb'], 64);
    await seedPasskey(server, ['hybrid', 'internal'], 16);
    // An odd shape (unknown transport) never shows up in decoys.
    await seedPasskey(server, ['carrier-pigeon'], 16);

    const real = new Set(['["internal"]/43', '["nfc","usb"]/86', '["hybrid","internal"]/22']);
    const seen = new Set<string>();
    for (let i = 0; i < 40; i++) {
      const email = `nobody-${i}@example.com`;
      const decoys = await decoysFor(server, email);
      expect(decoys.length).toBeGreaterThanOrEqual(1);
      expect(decoys.length).toBeLessThanOrEqual(3);
      for (const d of decoys) {
        const shape = `${JSON.stringify(d.transports)}/${d.id.length}`;
        expect(real).toContain(shape);
        seen.add(shape);
        // A canonical encoding of whole bytes, as a real id is.
        expect(base64urlEncode(base64urlDecode(d.id))).toBe(d.id);
      }
      // Asked again, and asked of another instance on the same store and secret: the same.
      if (i < 5) {
        expect(await decoysFor(server, email)).toEqual(decoys);
        expect(await decoysFor(createTestServer({ rateLimit: false }, store), email)).toEqual(
          decoys,
        );
      }
    }
    // Over forty emails the mix shows through: not one fixed shape.
    expect(seen.size).toBeGreaterThanOrEqual(2);
    // A known email with a passkey gets its own, real list.
    expect(await decoysFor(server, KNOWN)).toEqual([
      { id: expect.any(String), type: 'public-key', transports: ['internal'] },
    ]);
  });

  it('finding H: known and unknown emails take the same time (medians over 200 interleaved asks)', async () => {
    const server = createTestServer({ rateLimit: false });
    expect((await server.browser().signUp({ email: KNOWN })).status).toBe(201);
    const browser = server.browser();
    const ask = async (path: string, email: string) => {
      const request = browser.request('POST', path, { email });
      const start = performance.now();
      const response = await server.latchkey.handler(request, { remoteAddress: '203.0.113.7' });
      await response.arrayBuffer();
      const took = performance.now() - start;
      expect(response.status).toBe(200);
      return took;
    };
    for (const path of ['/auth/passkeys/auth-options', '/auth/passkeys/register-options']) {
      const known: number[] = [];
      const unknown: number[] = [];
      // Warm up both paths, then interleave (alternating which goes first) so load
      // on the machine falls on both sides alike.
      for (let i = 0; i < 20; i++) {
        await ask(path, KNOWN);
        await ask(path, `warm-${i}@example.com`);
      }
      for (let i = 0; i < 200; i++) {
        const other = `nobody-${i}@example.com`;
        if (i % 2) {
          known.push(await ask(path, KNOWN));
          unknown.push(await ask(path, other));
        } else {
          unknown.push(await ask(path, other));
          known.push(await ask(path, KNOWN));
        }
      }
      const a = median(known);
      const b = median(unknown);
      // Generous for a loaded two-core machine, yet a branch doing real extra work
      // (a store round trip, a key derivation, an early exit) shows.
      expect(
        Math.abs(a - b),
        `${path}: known ${a.toFixed(3)} ms, unknown ${b.toFixed(3)} ms`,
      ).toBeLessThan(0.3 * Math.min(a, b) + 0.1);
    }
  }, 60_000);
});
