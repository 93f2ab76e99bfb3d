import type { RouteHandlers } from '../services.js';
import { listPasskeys, removePasskey, renamePasskey } from './passkey-operations.js';

/** `GET /passkeys`, `PATCH` and `DELETE /passkeys/:credentialId`. */
export const passkeyRoutes: RouteHandlers = {
  async listPasskeys(ctx, services) {
    return { passkeys: await listPasskeys(services, ctx.user.id) };
  },

  async renamePasskey(ctx, services) {
    const passkey = await renamePasskey(services, ctx, {
      userId: ctx.user.id,
      credentialId: ctx.params.credentialId,
      name: ctx.body.name,
    });
    return { passkey };
  },

  async deletePasskey(ctx, services) {
    await removePasskey(services, ctx, {
      userId: ctx.user.id,
      credentialId: ctx.params.credentialId,
      keepSessionId: ctx.session.id,
    });
    return { ok: true as const };
  },
};
