'use client';
export type {
  PendingApprovalsLabels,
  PendingApprovalsProps,
  PendingApprovalsState,
} from './pending-approvals.js';
export { DEFAULT_PENDING_APPROVALS_LABELS, PendingApprovals } from './pending-approvals.js';
