'use client';
import type { LatchkeyClient, LatchkeyError } from '@latchkey/core';
import { defaultDeviceKeyStore } from '../device-key/default-device-key-store.js';
import type { DeviceKeyStore } from '../device-key/device-key-store.js';
import { answerChallenge } from './prove-possession.js';

/** What `answerPopChallenges` listens on: an `EventSource`, or any `EventTarget` that relays one. */
export type PopChallengeSource = Pick<EventTarget, 'addEventListener' | 'removeEventListener'>;

export interface AnswerPopChallengesOptions {
  /** Where the device key is (default: the same IndexedDB store as `lockedSessions()`). */
  keyStore?: DeviceKeyStore;
  /** A challenge could not be answered (no key, a refused proof, the network). */
  onError?: (error: LatchkeyError) => void;
  /** The server closed the stream (`pop-failed`), with its reason such as `proof-missing`. */
  onClosed?: (reason: string) => void;
}

/**
 * Answers the `pop-challenge` events of a stream made with the server's
 * `latchkey.lockedStream()`: each one is signed with the device key and proven
 * at `POST /pop/prove`. The server closes a stream whose challenges go
 * unanswered twice in a row. Returns a function that stops listening.
 *
 * @example
 * const events = new EventSource('/api/events', { withCredentials: true });
 * const stop = answerPopChallenges(events, client, { onClosed: () => events.close() });
 */
export function answerPopChallenges(
  source: PopChallengeSource,
  client: LatchkeyClient,
  options: AnswerPopChallengesOptions = {},
): () => void {
  const keyStore = options.keyStore ?? defaultDeviceKeyStore();
  const onChallenge = (event: Event) => {
    const challenge = field((event as MessageEvent).data, 'challenge');
    if (!challenge) return;
    void answerChallenge(client, keyStore, challenge).then((result) => {
      if (result.error) options.onError?.(result.error);
    });
  };
  const onFailed = (event: Event) => {
    options.onClosed?.(field((event as MessageEvent).data, 'reason') ?? 'unknown');
  };
  source.addEventListener('pop-challenge', onChallenge);
  source.addEventListener('pop-failed', onFailed);
  return () => {
    source.removeEventListener('pop-challenge', onChallenge);
    source.removeEventListener('pop-failed', onFailed);
  };
}

/** A string field of an event's JSON data, or `null`. */
function field(data: unknown, name: string): string | null {
  try {
    const value = (JSON.parse(String(data)) as Record<string, unknown>)[name];
    return typeof value === 'string' ? value : null;
  } catch {
    return null;
  }
}
