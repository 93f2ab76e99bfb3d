'use client';
import type { LatchkeyError, LatchkeyResult, Ok, PasskeyInfo } from '@latchkey/core';
import { useCallback } from 'react';
import { type ResourceStatus, useResource } from '../internal/use-resource.js';
import { useSessionStore } from './use-latchkey-client.js';

export interface UsePendingApprovalsResult {
  status: ResourceStatus;
  /** New devices' passkeys waiting for a trusted device's approval. */
  approvals: PasskeyInfo[];
  error: LatchkeyError | null;
  refresh: () => Promise<void>;
  /** Trusts the passkey (steps up first when the server asks). */
  approve: (credentialId: string) => Promise<LatchkeyResult<PasskeyInfo>>;
  /** Rejects and deletes the passkey (steps up first when the server asks). */
  deny: (credentialId: string) => Promise<LatchkeyResult<Ok>>;
}

/**
 * Passkeys from new devices that wait for approval, with approve and deny.
 *
 * @example
 * const { approvals, approve } = usePendingApprovals();
 * await approve(approvals[0].credentialId);
 */
export function usePendingApprovals(): UsePendingApprovalsResult {
  const store = useSessionStore();
  const resource = useResource(
    store,
    (signal) => store.client.listApprovals(undefined, { signal }),
    (data) => data.approvals,
  );
  const { getData, setData } = resource;
  const drop = useCallback(
    (credentialId: string) =>
      setData((getData() ?? []).filter((p) => p.credentialId !== credentialId)),
    [getData, setData],
  );

  const approve = useCallback(
    async (credentialId: string) => {
      const result = await store.withStepUp(() => store.client.approvePasskey({ credentialId }));
      if (result.error) return result;
      drop(credentialId);
      return { data: result.data.passkey, error: null };
    },
    [store, drop],
  );

  const deny = useCallback(
    async (credentialId: string) => {
      const result = await store.withStepUp(() => store.client.denyPasskey({ credentialId }));
      if (!result.error) drop(credentialId);
      return result;
    },
    [store, drop],
  );

  return {
    status: resource.status,
    approvals: resource.data ?? [],
    error: resource.error,
    refresh: resource.refresh,
    approve,
    deny,
  };
}
