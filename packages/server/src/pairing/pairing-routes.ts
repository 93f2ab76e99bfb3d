import { LatchkeyError } from '@latchkey/core';
import { describeUserAgent } from '../devices/index.js';
import { serializeCookie } from '../http/cookies.js';
import type { RequestContext } from '../http/request-context.js';
import type { RouteContext } from '../http/route-context.js';
import {
  constantTimeEqual,
  normaliseCode,
  randomCode,
  randomToken,
  sha256,
} from '../internal/crypto.js';
import { newSessionKey, popKeyFromHeader } from '../pop/new-session-key.js';
import type { RouteHandlers, Services } from '../services.js';
import type { PairingRecord } from '../stores/contract.js';

/** Pairing codes live five minutes (docs/design.md, "Security invariants"). */
export const PAIRING_TTL_MS = 5 * 60_000;
/** Look-ups per signed-in user per window: 8-character codes (~39 bits) cannot be guessed at this rate. */
const LOOKUPS_PER_WINDOW = 10;

const iso = (ms: number) => new Date(ms).toISOString();
const hashCode = (code: string) => sha256(`pairing:${normaliseCode(code)}`);

function pairCookie(services: Services, ctx: RequestContext): { name: string; secure: boolean } {
  const secure =
    services.config.session.secure === 'auto' ? ctx.secure : services.config.session.secure;
  return { name: `${services.sessions.cookieName(secure)}-pair`, secure };
}

async function findByCode(
  services: Services,
  ctx: RouteContext<'lookupPairing' | 'approvePairing' | 'denyPairing'>,
  code: string,
): Promise<PairingRecord> {
  await services.rateLimit.checkAccount(ctx, 'pairing-lookup', ctx.user.id, LOOKUPS_PER_WINDOW);
  const record = await services.store.getPairingByCodeHash(await hashCode(code), ctx.now);
  if (!record || record.expiresAt <= ctx.now || record.status !== 'pending') {
    throw new LatchkeyError(
      'INVALID_CODE',
      'No device is waiting with that code; it may have expired',
    );
  }
  return record;
}

/**
 * Pairing (docs/design.md, "Recovery, pairing, approvals"): a new device asks and shows a short code; a signed-in,
 * stepped-up device looks the code up, sees who asks, and approves or denies;
 * the new device then collects an enrol-only session, once, and enrols its own
 * passkey. Codes last five minutes, are single use and rate limited.
 */
export const pairingRoutes: RouteHandlers = {
  async startPairing(ctx, services) {
    await services.rateLimit.checkIp(ctx);
    const code = randomCode(8);
    const requester = randomToken(32);
    // A native app is the requester by its `Latchkey-Pre-Session`, not a cookie.
    const native = await services.sessions.nativeBinding(ctx, true);
    const record: PairingRecord = {
      id: randomToken(16),
      codeHash: await hashCode(code),
      status: 'pending',
      deviceName: ctx.body.deviceName?.trim() || null,
      device: describeUserAgent(ctx.userAgent),
      ip: ctx.ip,
      rpId: ctx.rpId,
      createdAt: ctx.now,
      expiresAt: ctx.now + PAIRING_TTL_MS,
      userId: null,
      requesterHash: native ?? (await sha256(requester)),
    };
    await services.store.putPairing(record);
    await services.audit.record(ctx, 'pairing.requested', null, {
      pairingId: record.id,
      device: record.device,
    });
    // Only the browser that asked can collect the session: it holds this cookie.
    const cookie = pairCookie(services, ctx);
    if (!native) {
      ctx.setCookies.push(
        serializeCookie(cookie.name, requester, {
          maxAge: PAIRING_TTL_MS / 1000,
          secure: cookie.secure,
        }),
      );
    }
    return {
      pairingId: record.id,
      code: `${code.slice(0, 4)}-${code.slice(4)}`,
      expiresAt: iso(record.expiresAt),
    };
  },

  async pairingStatus(ctx, services) {
    const { store, sessions } = services;
    const cookie = pairCookie(services, ctx);
    // A native app's pre-session collects only what it started (never a cookie's pairing).
    const native = await sessions.nativeBinding(ctx, false);
    const requester = ctx.cookies.get(cookie.name);
    if (!native && !requester)
      throw new LatchkeyError('NOT_FOUND', 'No such pairing request from this browser');
    const record = await store.getPairing(ctx.params.pairingId, ctx.now);
    // Gone (expired, or collected) for the browser that asked: it may start again.
    if (!record || record.expiresAt <= ctx.now) return { status: 'expired' as const };
    if (!constantTimeEqual(native ?? (await sha256(requester!)), record.requesterHash)) {
      throw new LatchkeyError('NOT_FOUND', 'No such pairing request from this browser');
    }
    if (record.status === 'pending') return { status: 'pending' as const };
    const clear = () => {
      if (!native)
        ctx.setCookies.push(serializeCookie(cookie.name, '', { maxAge: 0, secure: cookie.secure }));
    };
    if (record.status === 'denied') {
      await store.takePairing(record.id);
      clear();
      return { status: 'denied' as const };
    }
    // Approved. A locked account's paired session is bound to this browser's
    // device key (`Latchkey-Pop-Key`); asked before the pairing is used up, so
    // the browser can send the key and collect.
    const user = record.userId ? await store.getUser(record.userId) : null;
    if (!user) return { status: 'expired' as const };
    const popKey = newSessionKey(user, popKeyFromHeader(ctx.request));
    // Exactly one collection gets the enrol-only session.
    if (!(await store.takePairing(record.id))) return { status: 'expired' as const };
    await sessions.start(ctx, { userId: user.id, kind: 'enrol', credentialId: null, popKey });
    clear();
    return { status: 'approved' as const };
  },

  async lookupPairing(ctx, services) {
    const record = await findByCode(services, ctx, ctx.body.code);
    return {
      pairing: {
        code: ctx.body.code.toUpperCase(),
        deviceName: record.deviceName,
        device: record.device,
        ip: record.ip,
        createdAt: iso(record.createdAt),
        expiresAt: iso(record.expiresAt),
      },
    };
  },

  async approvePairing(ctx, services) {
    const record = await findByCode(services, ctx, ctx.body.code);
    if (
      !(await services.store.decidePairing(
        record.id,
        { status: 'approved', userId: ctx.user.id },
        ctx.now,
      ))
    ) {
      throw new LatchkeyError('INVALID_CODE', 'That code was already used');
    }
    await services.audit.record(ctx, 'pairing.approved', ctx.user.id, {
      pairingId: record.id,
      device: record.device,
      ip: record.ip,
    });
    return { ok: true as const };
  },

  async denyPairing(ctx, services) {
    const record = await findByCode(services, ctx, ctx.body.code);
    if (
      !(await services.store.decidePairing(record.id, { status: 'denied', userId: null }, ctx.now))
    ) {
      throw new LatchkeyError('INVALID_CODE', 'That code was already used');
    }
    await services.audit.record(ctx, 'pairing.denied', ctx.user.id, { pairingId: record.id });
    return { ok: true as const };
  },
};
