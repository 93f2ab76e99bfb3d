import type { LatchkeyStore } from '../stores/contract.js';

/** How long "this RP ID has a passkey" is believed without asking the store again. */
const ENROLLED_TTL_MS = 5_000;
/** RP IDs remembered at most (an instance serves a handful). */
const MAX_RP_IDS = 100;

/**
 * Whether an RP ID has an active passkey (`hasActiveCredentialForRpId`): the
 * question behind first-enrolment grace, asked by every `GET /session` and every
 * gated request without a session. A yes is remembered for `ENROLLED_TTL_MS`,
 * so a session check answered from the session cache needs no store at all. A
 * stale yes can only withhold grace (the caller must sign in, as before the
 * last passkey went), never grant it. A no is asked again every time: the first
 * enrolment ends grace at once, on every instance.
 *
 * @example
 * const grace = !(await services.enrolment.hasPasskeys(ctx.rpId));
 */
export class RpEnrolment {
  private readonly enrolledAt = new Map<string, number>();

  constructor(
    private readonly store: LatchkeyStore,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  async hasPasskeys(rpId: string): Promise<boolean> {
    const at = this.enrolledAt.get(rpId);
    if (at !== undefined && this.clock() - at < ENROLLED_TTL_MS) return true;
    const has = await this.store.hasActiveCredentialForRpId(rpId);
    if (!has) this.enrolledAt.delete(rpId);
    else {
      if (this.enrolledAt.size >= MAX_RP_IDS) this.enrolledAt.clear();
      this.enrolledAt.set(rpId, this.clock());
    }
    return has;
  }
}
