'use client';
export type {
  PasskeyItemState,
  PasskeyListLabels,
  PasskeyListProps,
  PasskeyListState,
} from './passkey-list.js';
export { DEFAULT_PASSKEY_LIST_LABELS, PasskeyList } from './passkey-list.js';
