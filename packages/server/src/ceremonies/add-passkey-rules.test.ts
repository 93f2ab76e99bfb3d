import type { AuditEvent } from '@latchkey/core';
import { describe, expect, it } from 'vitest';
import { createTestServer } from '../../test/harness.js';
import { createTestAuthenticator } from '../testing/index.js';

/** Ada's account, signed in on her laptop (a full session, not stepped up), and what the app was told. */
async function signedIn() {
  const events: AuditEvent[] = [];
  const server = createTestServer({ hooks: { onEvent: (event) => void events.push(event) } });
  const laptop = server.browser();
  const res = await laptop.signUp({ email: 'ada@example.com' });
  expect(res.status).toBe(201);
  return { server, laptop, events, codes: res.body.recoveryCodes as string[] };
}

describe('adding a passkey to an existing account', () => {
  it('finding C: a full session adds a passkey only after a step-up with an existing passkey', async () => {
    const { server, laptop, events } = await signedIn();
    const refused = await laptop.call('POST', '/auth/passkeys/register-options', {});
    expect([refused.status, refused.body.error.code]).toEqual([403, 'STEP_UP_REQUIRED']);

    expect((await laptop.stepUp()).status).toBe(200);
    const own = laptop.authenticator;
    const key = createTestAuthenticator({ origin: laptop.origin });
    laptop.authenticator = key;
    const { response } = await laptop.registration();
    // The elevation lapses between the two calls: `register` asks again.
    server.clock.advance(300_001);
    const late = await laptop.call('POST', '/auth/passkeys/register', { response, name: 'Key' });
    expect([late.status, late.body.error.code]).toEqual([403, 'STEP_UP_REQUIRED']);
    const user = (await server.store.getUserByEmail('ada@example.com'))!;
    expect(await server.store.listCredentials(user.id)).toHaveLength(1);
    // The new key cannot step up: it is not one of the account's passkeys yet.
    await expect(laptop.stepUp()).rejects.toThrow();

    // Stepped up with the laptop's own passkey, the key is added.
    laptop.authenticator = own;
    expect((await laptop.stepUp()).status).toBe(200);
    laptop.authenticator = key;
    expect((await laptop.signUp({}, 'Key')).status).toBe(201);
    expect(await server.store.listCredentials(user.id)).toHaveLength(2);
    expect(events.filter((e) => e.type === 'passkey.added')).toHaveLength(1);
  });

  it('finding C: a stolen cookie cannot add the thief’s passkey, step up with it and take over', async () => {
    const { server, laptop, events } = await signedIn();
    const user = (await server.store.getUserByEmail('ada@example.com'))!;
    // The thief replays Ada's cookie from their own machine, with their own authenticator.
    const thief = server.browser({ peer: '198.51.100.66' });
    for (const [name, value] of laptop.cookies) thief.cookies.set(name, value);
    expect((await thief.call('GET', '/auth/session')).body.user.id).toBe(user.id);

    const options = await thief.call('POST', '/auth/passkeys/register-options', {});
    expect([options.status, options.body.error.code]).toEqual([403, 'STEP_UP_REQUIRED']);
    // Options obtained earlier (say, by an older session) do not help at `register` either.
    const attempt = await thief.call('POST', '/auth/passkeys/register', {
      response: await thief.authenticator.register((await server.browser().registration()).options),
    });
    expect([attempt.status, attempt.body.error.code]).toEqual([403, 'STEP_UP_REQUIRED']);
    // And the thief's authenticator holds none of Ada's passkeys, so no step-up either.
    await expect(thief.stepUp()).rejects.toThrow();
    const deleted = await thief.call(
      'DELETE',
      `/auth/passkeys/${laptop.authenticator.credentials[0]!.id}`,
    );
    expect(deleted.body.error.code).toBe('STEP_UP_REQUIRED');
    expect(await server.store.listCredentials(user.id)).toHaveLength(1);
    expect(events.filter((e) => e.type === 'passkey.added')).toEqual([]);
  });

  it('finding C: after a step-up the passkey is added, audited and announced as passkey.added', async () => {
    const { server, laptop, events } = await signedIn();
    expect((await laptop.stepUp()).status).toBe(200);
    laptop.authenticator = createTestAuthenticator({ origin: laptop.origin });
    const added = await laptop.signUp({}, 'Security key');
    expect(added.status).toBe(201);
    const user = (await server.store.getUserByEmail('ada@example.com'))!;
    expect(await server.store.listCredentials(user.id)).toHaveLength(2);

    const announced = events.filter((e) => e.type === 'passkey.added');
    expect(announced).toHaveLength(1);
    expect(announced[0]).toMatchObject({
      userId: user.id,
      data: {
        credentialId: added.body.credentialId,
        name: 'Security key',
        session: 'full',
      },
    });
    const stored = await server.latchkey.api.audit.list({ userId: user.id });
    expect(stored.some((e) => e.type === 'passkey.added')).toBe(true);
    // A sign-up is not "a passkey added to your account".
    const other = createTestServer({ hooks: { onEvent: (e) => void events.push(e) } }).browser();
    await other.signUp({ email: 'grace@example.com' });
    expect(events.filter((e) => e.type === 'passkey.added')).toHaveLength(1);
  });

  it('finding C: recovery and paired sessions add their first passkey as before, and it is announced', async () => {
    const { server, laptop, events, codes } = await signedIn();
    await laptop.signOut();
    const lost = server.browser();
    const recovered = await lost.call('POST', '/auth/recovery', { code: codes[0] });
    expect(recovered.body.session.kind).toBe('recovery');
    const enrolled = await lost.signUp({}, 'New phone');
    expect(enrolled.status).toBe(201);
    expect(events.filter((e) => e.type === 'passkey.added').map((e) => e.data)).toEqual([
      expect.objectContaining({ credentialId: enrolled.body.credentialId, session: 'recovery' }),
    ]);
    // Now a full session: a further passkey needs a step-up.
    lost.authenticator = createTestAuthenticator({ origin: lost.origin });
    const more = await lost.call('POST', '/auth/passkeys/register-options', {});
    expect(more.body.error.code).toBe('STEP_UP_REQUIRED');
  });
});
