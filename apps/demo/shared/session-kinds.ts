import type { SessionKind } from '@latchkey/core';

/**
 * Session kinds opened without a passkey that may only add one (docs/design.md,
 * "Email links": the recovery rule, as the server applies it). A `password`
 * session is full for everyday pages; it only cannot confirm with a passkey.
 * Every kind is named here, so a new one needs a decision. The demo's server
 * (`/api/me`) and its pages both ask this.
 */
const ENROLS_FIRST: Record<SessionKind, boolean> = {
  full: false,
  password: false,
  recovery: true,
  email: true,
  enrol: true,
};

/** Every session kind, for `fromRequest(request, { allowKinds: SESSION_KINDS })`. */
export const SESSION_KINDS = Object.keys(ENROLS_FIRST) as SessionKind[];

/**
 * Whether a session must add a passkey before anything else.
 *
 * @example
 * if (mustAddPasskey(session.kind)) return <FinishEnrolment kind={session.kind} />;
 */
export function mustAddPasskey(kind: SessionKind): boolean {
  return ENROLS_FIRST[kind];
}
