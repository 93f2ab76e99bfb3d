import { describe, expect, it } from 'vitest';
import { createTestServer } from '../../test/harness.js';

const OWNER = { mode: 'owner' as const, approval: 'required' as const };

async function claimed(config: object = OWNER) {
  const server = createTestServer(config);
  const owner = server.browser();
  const res = await owner.signUp({ displayName: 'Me' });
  expect(res.status).toBe(201);
  return { server, owner };
}

describe('owner mode', () => {
  it('lets the first passkey claim the instance, then closes sign-up', async () => {
    const { server } = await claimed({ mode: 'owner' });
    const stranger = server.browser();
    const res = await stranger.call('POST', '/auth/passkeys/register-options', {
      email: 'x@example.com',
    });
    expect([res.status, res.body.error.code]).toEqual([403, 'SIGN_UP_CLOSED']);
    expect((await stranger.call('GET', '/auth/session')).body.rp.signUp).toBe('closed');
  });

  it('lets exactly one of two racing first sign-ups claim it', async () => {
    const server = createTestServer({ mode: 'owner' });
    const a = server.browser();
    const b = server.browser();
    const [ra, rb] = await Promise.all([a.registration(), b.registration()]);
    const results = await Promise.all([
      a.call('POST', '/auth/passkeys/register', { response: ra.response }),
      b.call('POST', '/auth/passkeys/register', { response: rb.response }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 403]);
    expect(results.find((r) => r.status === 403)!.body.error.code).toBe('SIGN_UP_CLOSED');
  });
});

describe('trusted-device approval', () => {
  it('keeps a new device’s passkey pending: it cannot sign in until approved', async () => {
    const { server, owner } = await claimed();
    const newcomer = server.browser();
    const enrol = await newcomer.signUp({ email: 'ignored@example.com' });
    expect(enrol.status).toBe(201);
    expect(enrol.body.passkey.status).toBe('pending');
    expect(enrol.body.recoveryCodes).toBeUndefined();
    expect((await newcomer.call('GET', '/auth/session')).body.user).toBeNull();
    expect((await newcomer.signIn()).body.error.code).toBe('CREDENTIAL_PENDING');

    const list = await owner.call('GET', '/auth/approvals');
    expect(list.body.approvals.map((p: { credentialId: string }) => p.credentialId)).toEqual([
      enrol.body.credentialId,
    ]);
    const id = enrol.body.credentialId;
    expect((await owner.call('POST', `/auth/approvals/${id}/approve`, {})).body.error.code).toBe(
      'STEP_UP_REQUIRED',
    );
    await owner.stepUp();
    const approved = await owner.call('POST', `/auth/approvals/${id}/approve`, {});
    expect(approved.body.passkey.status).toBe('active');
    const signedIn = await newcomer.signIn();
    expect(signedIn.status).toBe(200);
    expect(signedIn.body.user.displayName).toBe('Me');
    const types = (await server.latchkey.api.audit.list({ limit: 30 })).map((e) => e.type);
    expect(types).toContain('passkey.approved');
  });

  it('removes a denied passkey', async () => {
    const { server, owner } = await claimed();
    const newcomer = server.browser();
    const id = (await newcomer.signUp()).body.credentialId;
    await owner.stepUp();
    expect((await owner.call('POST', `/auth/approvals/${id}/deny`, {})).status).toBe(200);
    expect(await server.store.getCredential(id)).toBeNull();
    expect((await newcomer.signIn()).body.error.code).toBe('UNKNOWN_CREDENTIAL');
    expect((await owner.call('POST', `/auth/approvals/${id}/deny`, {})).body.error.code).toBe(
      'NOT_FOUND',
    );
  });

  it('does not approve an active passkey or another user’s', async () => {
    const { owner } = await claimed();
    await owner.stepUp();
    const mine = owner.authenticator.credentials[0]!.id;
    expect((await owner.call('POST', `/auth/approvals/${mine}/approve`, {})).body.error.code).toBe(
      'NOT_FOUND',
    );
  });

  it('streams pending approvals to signed-in devices (SSE) and ends with the session', async () => {
    const { server, owner } = await claimed();
    const res = await server.latchkey.handler(owner.request('GET', '/auth/approvals/stream'), {
      remoteAddress: '203.0.113.7',
    });
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    const readUntil = async (needle: string) => {
      while (!text.includes(needle)) {
        const { value, done } = await reader.read();
        if (done) break;
        text += decoder.decode(value);
      }
    };
    await readUntil('"approvals":[]');
    const id = (await server.browser().signUp()).body.credentialId;
    await readUntil(id);
    expect(text).toMatch(/event: approvals\ndata: \{"approvals":\[\{.*"status":"pending"/);
    await owner.signOut();
    const { done } = await Promise.race([
      (async () => {
        for (;;) {
          const r = await reader.read();
          if (r.done) return r;
        }
      })(),
      new Promise<{ done: false }>((resolve) => setTimeout(() => resolve({ done: false }), 8000)),
    ]);
    expect(done).toBe(true);
  }, 20_000);
});
