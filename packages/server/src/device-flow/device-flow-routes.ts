import { LatchkeyError } from '@latchkey/core';
import type { RouteContext } from '../http/route-context.js';
import { normaliseCode, randomCode, randomToken, sha256 } from '../internal/crypto.js';
import type { RouteHandlers, Services } from '../services.js';
import { type DeviceCodeRecord, StoreConflictError } from '../stores/contract.js';
import { knownScopes } from '../tokens/has-scopes.js';
import { issueToken } from '../tokens/issue-token.js';

/** RFC 8628 §3.2 `expires_in`: ten minutes to find a device with a passkey. */
const DEVICE_CODE_TTL_S = 600;
/** RFC 8628 §3.5: each `slow_down` asks the client to add five seconds. */
const SLOW_DOWN_STEP_S = 5;
const USER_CODE_LENGTH = 8;

/**
 * `ABCDEFGH` → `ABCD-EFGH`: easier to read out and type (RFC 8628 §6.1).
 *
 * @example
 * formatUserCode('WDJBMJHT') // 'WDJB-MJHT'
 */
export function formatUserCode(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

function userCodeOf(raw: string): string {
  const code = normaliseCode(raw);
  if (code.length !== USER_CODE_LENGTH)
    throw new LatchkeyError('INVALID_CODE', 'A code has 8 letters and digits, like ABCD-EFGH');
  return code;
}

async function pendingByUserCode(
  services: Services,
  ctx: RouteContext<'lookupDevice' | 'approveDevice' | 'denyDevice'>,
  raw: string,
): Promise<DeviceCodeRecord> {
  // A signed-in person could otherwise try codes until one binds a stranger's CLI to their account.
  await services.rateLimit.checkAccount(ctx, 'device-code', ctx.user.id);
  const record = await services.store.getDeviceCodeByUserCode(userCodeOf(raw), ctx.now);
  if (record?.status !== 'pending')
    throw new LatchkeyError(
      'INVALID_CODE',
      'No device is waiting with that code; it may have expired',
    );
  return record;
}

/**
 * The device authorization grant (RFC 8628) for the CLI and agents: the device
 * asks for a code, a person approves it in a browser after a passkey step-up,
 * and the device's next poll gets a personal token, exactly once.
 *
 * @example
 * const handlers = { ...deviceFlowRoutes };
 */
export const deviceFlowRoutes: RouteHandlers = {
  // RFC 8628 §3.1–3.2.
  async deviceCode(ctx, services) {
    const { store, config, rateLimit } = services;
    await rateLimit.checkIp(ctx);
    const scopes = knownScopes(config, ctx.body.scopes ?? ['read']);
    const deviceCode = randomToken(32);
    const base = config.deviceFlow.verificationUri ?? `${ctx.origin}/device`;
    for (let attempt = 0; ; attempt++) {
      const userCode = randomCode(USER_CODE_LENGTH);
      const record: DeviceCodeRecord = {
        deviceCodeHash: await sha256(deviceCode),
        userCode,
        status: 'pending',
        clientName: ctx.body.clientName?.trim() || null,
        scopes,
        agent: ctx.body.agent ?? false,
        ip: ctx.ip,
        createdAt: ctx.now,
        expiresAt: ctx.now + DEVICE_CODE_TTL_S * 1000,
        lastPolledAt: null,
        userId: null,
      };
      try {
        await store.putDeviceCode(record);
      } catch (error) {
        // 30^8 codes make a clash rare; a pending one holding this code wins.
        if (error instanceof StoreConflictError && attempt < 4) continue;
        throw error;
      }
      const complete = new URL(base);
      complete.searchParams.set('user_code', formatUserCode(userCode));
      return {
        device_code: deviceCode,
        user_code: formatUserCode(userCode),
        verification_uri: base,
        verification_uri_complete: complete.href,
        expires_in: DEVICE_CODE_TTL_S,
        interval: config.deviceFlow.interval,
      };
    }
  },

  // RFC 8628 §3.4–3.5; errors are Latchkey error bodies with the RFC's names as codes.
  async deviceToken(ctx, services) {
    const { store, config, rateLimit } = services;
    await rateLimit.checkIp(ctx);
    const hash = await sha256(ctx.body.device_code);
    const record = await store.getDeviceCode(hash, ctx.now);
    if (!record)
      throw new LatchkeyError(
        'EXPIRED_TOKEN',
        'The device code has expired or was used; start again',
      );
    const previous = await store.pollDeviceCode(hash, ctx.now);

    if (record.status === 'denied')
      throw new LatchkeyError('ACCESS_DENIED', 'The request was denied in the browser');
    if (record.status === 'pending') {
      if (previous !== null && ctx.now - previous < config.deviceFlow.interval * 1000) {
        throw new LatchkeyError(
          'SLOW_DOWN',
          `Polling too fast; wait ${config.deviceFlow.interval + SLOW_DOWN_STEP_S} seconds between polls`,
          { details: { retryAfter: config.deviceFlow.interval + SLOW_DOWN_STEP_S } },
        );
      }
      throw new LatchkeyError('AUTHORIZATION_PENDING', 'Waiting for approval in the browser');
    }

    // Approved: of every concurrent poll, exactly one takes the code and gets the token.
    if (!record.userId || !(await store.takeDeviceCode(hash)))
      throw new LatchkeyError('EXPIRED_TOKEN', 'The device code was already used; start again');
    const { token, record: issued } = await issueToken(services, ctx, {
      userId: record.userId,
      name: record.clientName ?? 'Device login',
      scopes: record.scopes,
      agent: record.agent,
      via: 'device',
    });
    return {
      access_token: token,
      token_type: 'Bearer' as const,
      scope: issued.scopes.join(' '),
      expires_in: Math.round((issued.expiresAt! - ctx.now) / 1000),
    };
  },

  async lookupDevice(ctx, services) {
    const record = await pendingByUserCode(services, ctx, ctx.body.user_code);
    return {
      device: {
        userCode: formatUserCode(record.userCode),
        clientName: record.clientName,
        scopes: record.scopes,
        agent: record.agent,
        ip: record.ip,
        createdAt: new Date(record.createdAt).toISOString(),
        expiresAt: new Date(record.expiresAt).toISOString(),
      },
    };
  },

  async approveDevice(ctx, services) {
    return decide(ctx, services, ctx.body.user_code, 'approved');
  },

  async denyDevice(ctx, services) {
    return decide(ctx, services, ctx.body.user_code, 'denied');
  },
};

async function decide(
  ctx: RouteContext<'approveDevice' | 'denyDevice'>,
  services: Services,
  raw: string,
  status: 'approved' | 'denied',
): Promise<{ ok: true }> {
  const record = await pendingByUserCode(services, ctx, raw);
  const userId = ctx.user.id;
  const decided = await services.store.decideDeviceCode(
    record.userCode,
    { status, userId: status === 'approved' ? userId : null },
    ctx.now,
  );
  if (!decided)
    throw new LatchkeyError(
      'INVALID_CODE',
      'No device is waiting with that code; it may have expired',
    );
  await services.audit.record(
    ctx,
    status === 'approved' ? 'device.approved' : 'device.denied',
    userId,
    {
      clientName: record.clientName,
      scopes: record.scopes,
      agent: record.agent,
      deviceIp: record.ip,
    },
  );
  return { ok: true };
}
