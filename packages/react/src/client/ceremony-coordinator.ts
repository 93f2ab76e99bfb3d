'use client';
import {
  type ErrorCode,
  isLatchkeyError,
  LatchkeyError,
  type LatchkeyResult,
} from '@latchkey/core';

/**
 * `modal`: the browser shows its passkey dialog (a button press).
 * `conditional`: the request waits quietly behind the username field's autofill
 * (WebAuthn L3 §5.1.4, `mediation: 'conditional'`).
 */
export type CeremonyMediation = 'modal' | 'conditional';

/** A ceremony step: it receives the signal that aborts it and answers `{ data, error }`. */
export type CeremonyTask<T> = (signal: AbortSignal) => Promise<LatchkeyResult<T>>;

/** Runs at most one WebAuthn ceremony at a time for a page. */
export interface CeremonyCoordinator {
  /**
   * Runs `task` as the only ceremony. A pending `conditional` ceremony is aborted,
   * and has settled, before a new one starts; while a `modal` ceremony is pending,
   * any other request answers `CEREMONY_CANCELLED` at once. Thrown errors become
   * `{ error }` (a cancelled prompt is `CEREMONY_CANCELLED`), never a rejection.
   */
  run<T>(mediation: CeremonyMediation, task: CeremonyTask<T>): Promise<LatchkeyResult<T>>;
  /** Aborts the pending ceremony, if any (for example when a form unmounts). */
  cancel(mediation?: CeremonyMediation): void;
  /** The kind of the ceremony now pending, or `null`. */
  readonly pending: CeremonyMediation | null;
}

const CANCELLED = 'The passkey ceremony was cancelled';

interface Flight {
  mediation: CeremonyMediation;
  controller: AbortController;
  settled: Promise<void>;
}

/**
 * A single-flight coordinator, so that autofill, a sign-in button and React
 * StrictMode's doubled effects never run two `navigator.credentials` requests at
 * once (browsers reject or silently drop the second one).
 *
 * @example
 * const coordinator = createCeremonyCoordinator();
 * const { data, error } = await coordinator.run('modal', async (signal) =>
 *   client.authOptions({}, { signal }),
 * );
 */
export function createCeremonyCoordinator(): CeremonyCoordinator {
  let current: Flight | null = null;

  async function run<T>(mediation: CeremonyMediation, task: CeremonyTask<T>) {
    const previous = current;
    if (previous?.mediation === 'modal') {
      return cancelled<T>('Another passkey ceremony is in progress');
    }
    let settle!: () => void;
    const flight: Flight = {
      mediation,
      controller: new AbortController(),
      settled: new Promise<void>((resolve) => {
        settle = resolve;
      }),
    };
    // Claim the slot synchronously so a request made while we wait is ordered after us.
    current = flight;
    try {
      if (previous) {
        previous.controller.abort(abortReason('Replaced by a newer passkey ceremony'));
        await previous.settled;
      }
      if (flight.controller.signal.aborted) return cancelled<T>(CANCELLED);
      return await task(flight.controller.signal);
    } catch (error) {
      return { data: null, error: toCeremonyError(error) };
    } finally {
      if (current === flight) current = null;
      settle();
    }
  }

  return {
    run,
    cancel(mediation) {
      if (current && (!mediation || current.mediation === mediation)) {
        current.controller.abort(abortReason(CANCELLED));
      }
    },
    get pending() {
      return current?.mediation ?? null;
    },
  };
}

function abortReason(message: string): Error {
  const reason = new Error(message);
  reason.name = 'AbortError';
  return reason;
}

function cancelled<T>(message: string): LatchkeyResult<T> {
  return { data: null, error: new LatchkeyError('CEREMONY_CANCELLED', message) };
}

/**
 * Maps what `navigator.credentials` and `fetch` throw to a `LatchkeyError`.
 * WebAuthn L3 §5.1.3 step 20 and §5.1.4.1 step 19: the user dismissing the
 * prompt, a timeout and an abort all surface as `NotAllowedError` or
 * `AbortError`; they are an outcome (`CEREMONY_CANCELLED`), not a crash.
 *
 * @example
 * toCeremonyError(new DOMException('', 'NotAllowedError')).code // 'CEREMONY_CANCELLED'
 */
export function toCeremonyError(error: unknown): LatchkeyError {
  if (isLatchkeyError(error)) return error;
  // DOMException is not an Error subclass everywhere, so read the fields by shape.
  const shape = (typeof error === 'object' && error !== null ? error : {}) as Partial<Error>;
  const name = typeof shape.name === 'string' ? shape.name : '';
  const message = typeof shape.message === 'string' ? shape.message : '';
  let code: ErrorCode = 'VERIFICATION_FAILED';
  switch (name) {
    case 'NotAllowedError':
    case 'AbortError':
      code = 'CEREMONY_CANCELLED';
      break;
    // §5.1.3 step 20: an authenticator already holds a credential from excludeCredentials.
    case 'InvalidStateError':
      code = 'CREDENTIAL_EXISTS';
      break;
    // §5.1.3 step 7 and §5.1.4.1 step 8: the RP ID is not valid for this origin.
    case 'SecurityError':
      code = 'RP_ID_MISMATCH';
      break;
    case 'NotSupportedError':
      code = 'WEBAUTHN_UNSUPPORTED';
  }
  // Without the browser's message the code is the message.
  return new LatchkeyError(code, message || undefined, { cause: error });
}
