'use client';
import type { LatchkeyError, LatchkeyResult } from '@latchkey/core';
import { useCallback, useState } from 'react';
import { type ResourceStatus, useResource } from '../internal/use-resource.js';
import { useSessionStore } from './use-latchkey-client.js';

export interface UseRecoveryCodesResult {
  status: ResourceStatus;
  /** How many unused codes the account has left. */
  remaining: number | null;
  /** A set made by `regenerate()` in this page: show it once, then `clear()` it. */
  codes: string[] | null;
  error: LatchkeyError | null;
  refresh: () => Promise<void>;
  /** Makes a new set (the old one stops working); steps up first when the server asks. */
  regenerate: () => Promise<LatchkeyResult<string[]>>;
  /** Forgets the codes shown. */
  clear: () => void;
}

/**
 * The account's recovery codes: how many are left, and a new set on demand.
 *
 * @example
 * const { remaining, regenerate, codes } = useRecoveryCodes();
 * if (codes) return <RecoveryCodes codes={codes} />;
 */
export function useRecoveryCodes(): UseRecoveryCodesResult {
  const store = useSessionStore();
  const [codes, setCodes] = useState<string[] | null>(null);
  const resource = useResource(
    store,
    (signal) => store.client.recoveryCodesStatus(undefined, { signal }),
    (data) => data.remaining,
  );
  const { setData } = resource;
  const regenerate = useCallback(async (): Promise<LatchkeyResult<string[]>> => {
    const result = await store.withStepUp(() => store.client.regenerateRecoveryCodes({}));
    if (result.error) return result;
    setCodes(result.data.codes);
    setData(result.data.codes.length);
    return { data: result.data.codes, error: null };
  }, [store, setData]);

  return {
    status: resource.status,
    remaining: resource.data,
    codes,
    error: resource.error,
    refresh: resource.refresh,
    regenerate,
    clear: useCallback(() => setCodes(null), []),
  };
}
