import type { RouteHandlers } from '../services.js';
import { deleteAccount } from './delete-account.js';

/** `DELETE /account`: a full session that stepped up deletes its own account and is signed out. */
export const accountRoutes: RouteHandlers = {
  async deleteAccount(ctx, services) {
    await deleteAccount(services, ctx, ctx.user.id);
    // The session went with the account; this clears its cookie.
    await services.sessions.end(ctx);
    return { ok: true as const };
  },
};
