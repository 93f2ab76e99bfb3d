import type { LatchkeyResult } from '@latchkey/core';
import { useCallback, useEffect, useState } from 'react';
import { describeError } from '../errors/describe-error.js';

export interface Message {
  text: string;
  tone: 'error' | 'success';
}

export interface RevocableList<T> {
  /** null while the first load runs (or when it failed: `message` says why). */
  items: T[] | null;
  /** The id of the item being revoked. */
  busy: string | null;
  message: Message | null;
  setMessage: (message: Message | null) => void;
  load: () => Promise<void>;
  /**
   * Revokes one item (one at a time), then asks `after` what to say: a sentence
   * reloads the list and shows it; null leaves the page to do the rest.
   */
  revoke: (item: T, after: (item: T) => Promise<string | null> | string | null) => Promise<void>;
}

/**
 * A list of the account's things that can each be revoked (sessions, tokens):
 * loaded on mount, one revocation at a time, and one status line for both.
 *
 * @example
 * const tokens = useRevocableList(
 *   () => client.listTokens(),
 *   (data) => data.tokens,
 *   (token) => client.revokeToken({ id: token.id }),
 * );
 */
export function useRevocableList<T extends { id: string }, Listed>(
  list: () => Promise<LatchkeyResult<Listed>>,
  pick: (listed: Listed) => T[],
  revokeOne: (item: T) => Promise<LatchkeyResult<unknown>>,
): RevocableList<T> {
  const [items, setItems] = useState<T[] | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [message, setMessage] = useState<Message | null>(null);
  // The callers' functions change every render; the list loads once per mount.
  const [calls] = useState(() => ({ list, pick, revokeOne }));
  Object.assign(calls, { list, pick, revokeOne });

  const load = useCallback(async () => {
    const result = await calls.list();
    if (result.error) setMessage({ text: describeError(result.error), tone: 'error' });
    else setItems(calls.pick(result.data));
  }, [calls]);

  useEffect(() => {
    void load();
  }, [load]);

  const revoke: RevocableList<T>['revoke'] = async (item, after) => {
    if (busy) return;
    setBusy(item.id);
    setMessage(null);
    const result = await calls.revokeOne(item);
    setBusy(null);
    if (result.error) {
      setMessage({ text: describeError(result.error), tone: 'error' });
      return;
    }
    const text = await after(item);
    if (text === null) return;
    setMessage({ text, tone: 'success' });
    await load();
  };

  return { items, busy, message, setMessage, load, revoke };
}
