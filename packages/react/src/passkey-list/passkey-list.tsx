'use client';
import type { PasskeyInfo } from '@latchkey/core';
import {
  type ComponentPropsWithoutRef,
  type ForwardedRef,
  forwardRef,
  useEffect,
  useId,
  useRef,
  useState,
} from 'react';
import { usePasskeys } from '../hooks/use-passkeys.js';
import { type ErrorLabels, errorMessage } from '../internal/error-message.js';
import { formatDate } from '../internal/format-date.js';
import { ProviderIcon } from '../internal/provider-icon.js';
import { StatusMessage } from '../internal/status-message.js';
import { useLabels } from '../provider/latchkey-labels.js';

export interface PasskeyListLabels {
  title: string;
  loading: string;
  empty: string;
  failed: string;
  retry: string;
  synced: string;
  deviceBound: string;
  notBackedUp: string;
  pending: string;
  created: (date: string, browser: string, os: string) => string;
  lastUsed: (date: string) => string;
  neverUsed: string;
  rename: string;
  nameField: string;
  save: string;
  cancel: string;
  renamed: (name: string) => string;
  remove: string;
  confirmRemove: (name: string) => string;
  confirm: string;
  keep: string;
  removed: (name: string) => string;
  actionFailed: string;
  errors: ErrorLabels;
}

export const DEFAULT_PASSKEY_LIST_LABELS: PasskeyListLabels = {
  title: 'Passkeys',
  loading: 'Loading passkeys…',
  empty: 'No passkeys yet.',
  failed: 'Could not load your passkeys.',
  retry: 'Try again',
  synced: 'Synced',
  deviceBound: 'This device only',
  notBackedUp: 'Not backed up',
  pending: 'Waiting for approval',
  created: (date, browser, os) => `Created ${date} with ${browser} on ${os}`,
  lastUsed: (date) => `Last used ${date}`,
  neverUsed: 'Never used',
  rename: 'Rename',
  nameField: 'Passkey name',
  save: 'Save',
  cancel: 'Cancel',
  renamed: (name) => `Renamed to ${name}.`,
  remove: 'Remove',
  confirmRemove: (name) => `Remove ${name}? You will no longer be able to sign in with it.`,
  confirm: 'Remove passkey',
  keep: 'Keep',
  removed: (name) => `Removed ${name}.`,
  actionFailed: 'That did not work. Try again.',
  errors: {},
};

export type PasskeyListState = 'loading' | 'ready' | 'empty' | 'error';
export type PasskeyItemState =
  | 'active'
  | 'pending'
  | 'renaming'
  | 'saving'
  | 'confirming'
  | 'removing';

export interface PasskeyListProps extends Omit<ComponentPropsWithoutRef<'section'>, 'children'> {
  /** Locale for dates (default: the provider's `labels.locale`, else the browser's). */
  locale?: string;
  labels?: Partial<PasskeyListLabels>;
}

type ModeKind = 'renaming' | 'saving' | 'confirming' | 'removing';
type Mode = { credentialId: string; kind: ModeKind } | null;

/**
 * The signed-in account's passkeys: name, provider, synced or device-bound,
 * created with which browser, last used, pending approval; inline rename and a
 * confirmed revoke (with step-up when the server asks). After each change the
 * browser's passkey manager is told through the Signal API where it exists.
 *
 * @example
 * <PasskeyList locale="en-GB" />
 */
export const PasskeyList = /*#__PURE__*/ forwardRef(function PasskeyList(
  { locale, labels: custom, ...rest }: PasskeyListProps,
  ref: ForwardedRef<HTMLElement>,
) {
  const labels = useLabels('passkeyList', DEFAULT_PASSKEY_LIST_LABELS, custom);
  const { status, passkeys, error, refresh, rename, remove } = usePasskeys();
  const [mode, setMode] = useState<Mode>(null);
  const [message, setMessage] = useState<{ text: string; tone: 'success' | 'error' } | null>(null);
  const id = useId();

  // A failed refresh keeps the passkeys already shown.
  const state: PasskeyListState =
    passkeys.length > 0 ? 'ready' : status === 'ready' ? 'empty' : status;

  return (
    <section
      ref={ref}
      aria-labelledby={`${id}-title`}
      aria-busy={status === 'loading' || mode?.kind === 'saving' || mode?.kind === 'removing'}
      data-latchkey-passkey-list=""
      data-state={state}
      {...rest}
    >
      <p id={`${id}-title`} data-latchkey-title="">
        {labels.title}
      </p>
      {state === 'loading' && <p data-latchkey-placeholder="">{labels.loading}</p>}
      {state === 'empty' && <p data-latchkey-placeholder="">{labels.empty}</p>}
      {state === 'error' && (
        <p data-latchkey-placeholder="">
          {errorMessage(error, labels)}{' '}
          <button type="button" data-latchkey-button="secondary" onClick={() => void refresh()}>
            {labels.retry}
          </button>
        </p>
      )}
      {passkeys.length > 0 && (
        <ul data-latchkey-passkeys="">
          {passkeys.map((passkey) => (
            <PasskeyItem
              key={passkey.credentialId}
              passkey={passkey}
              labels={labels}
              locale={locale ?? labels.locale}
              mode={mode?.credentialId === passkey.credentialId ? mode.kind : null}
              onMode={(kind) => setMode(kind ? { credentialId: passkey.credentialId, kind } : null)}
              onRename={async (name) => {
                setMode({ credentialId: passkey.credentialId, kind: 'saving' });
                const result = await rename(passkey.credentialId, name);
                setMode(
                  result.error ? { credentialId: passkey.credentialId, kind: 'renaming' } : null,
                );
                setMessage(
                  result.error
                    ? {
                        text: errorMessage(result.error, labels, labels.actionFailed),
                        tone: 'error',
                      }
                    : { text: labels.renamed(result.data.name), tone: 'success' },
                );
              }}
              onRemove={async () => {
                setMode({ credentialId: passkey.credentialId, kind: 'removing' });
                const result = await remove(passkey.credentialId);
                setMode(null);
                setMessage(
                  result.error
                    ? {
                        text: errorMessage(result.error, labels, labels.actionFailed),
                        tone: 'error',
                      }
                    : { text: labels.removed(passkey.name), tone: 'success' },
                );
              }}
            />
          ))}
        </ul>
      )}
      <StatusMessage message={message?.text ?? null} tone={message?.tone} />
    </section>
  );
});

interface PasskeyItemProps {
  passkey: PasskeyInfo;
  labels: PasskeyListLabels;
  locale: string | undefined;
  mode: ModeKind | null;
  onMode: (mode: 'renaming' | 'confirming' | null) => void;
  onRename: (name: string) => Promise<void>;
  onRemove: () => Promise<void>;
}

function PasskeyItem({
  passkey,
  labels,
  locale,
  mode,
  onMode,
  onRename,
  onRemove,
}: PasskeyItemProps) {
  const id = useId();
  const nameRef = useRef<HTMLInputElement>(null);
  const renameRef = useRef<HTMLButtonElement>(null);
  const confirmRef = useRef<HTMLButtonElement>(null);
  const previous = useRef(mode);

  useEffect(() => {
    // Keep keyboard focus where the user is: in the field, on the confirmation, then back.
    if (mode === 'renaming' && previous.current !== 'saving') {
      nameRef.current?.focus();
      nameRef.current?.select();
    }
    if (mode === 'confirming') confirmRef.current?.focus();
    if (mode === null && previous.current !== null) {
      renameRef.current?.focus();
    }
    previous.current = mode;
  }, [mode]);

  const badge =
    passkey.deviceType === 'singleDevice'
      ? { kind: 'device-bound', text: labels.deviceBound }
      : passkey.backedUp
        ? { kind: 'synced', text: labels.synced }
        : { kind: 'not-backed-up', text: labels.notBackedUp };
  const busy = mode === 'saving' || mode === 'removing';

  return (
    <li
      data-latchkey-passkey=""
      data-state={mode ?? passkey.status}
      aria-labelledby={`${id}-name`}
      aria-busy={busy}
    >
      <ProviderIcon {...passkey.provider} />
      <span id={`${id}-name`} data-latchkey-passkey-name="">
        {passkey.name}
      </span>
      <span data-latchkey-provider="">{passkey.provider.name}</span>
      <span data-latchkey-badge={badge.kind}>{badge.text}</span>
      {passkey.status === 'pending' && <span data-latchkey-badge="pending">{labels.pending}</span>}
      <span data-latchkey-meta="">
        <time dateTime={passkey.createdAt}>
          {labels.created(
            formatDate(passkey.createdAt, locale),
            passkey.createdWith.browser,
            passkey.createdWith.os,
          )}
        </time>
        {' · '}
        {passkey.lastUsedAt ? (
          <time dateTime={passkey.lastUsedAt}>
            {labels.lastUsed(formatDate(passkey.lastUsedAt, locale))}
          </time>
        ) : (
          labels.neverUsed
        )}
      </span>
      {mode === 'renaming' || mode === 'saving' ? (
        <form
          data-latchkey-rename=""
          onSubmit={(event) => {
            event.preventDefault();
            const name = nameRef.current?.value.trim() ?? '';
            if (name && !busy) void onRename(name);
          }}
          onKeyDown={(event) => {
            if (event.key === 'Escape') {
              event.preventDefault();
              onMode(null);
            }
          }}
        >
          <label htmlFor={`${id}-field`}>{labels.nameField}</label>
          <input
            ref={nameRef}
            id={`${id}-field`}
            name="name"
            defaultValue={passkey.name}
            maxLength={64}
            required
            readOnly={busy}
          />
          <button type="submit" data-latchkey-button="primary" aria-disabled={busy || undefined}>
            {labels.save}
          </button>
          <button type="button" data-latchkey-button="secondary" onClick={() => onMode(null)}>
            {labels.cancel}
          </button>
        </form>
      ) : mode === 'confirming' || mode === 'removing' ? (
        <fieldset data-latchkey-confirm="">
          <legend>{labels.confirmRemove(passkey.name)}</legend>
          <button
            ref={confirmRef}
            type="button"
            data-latchkey-button="danger"
            aria-disabled={busy || undefined}
            onClick={() => {
              if (!busy) void onRemove();
            }}
          >
            {labels.confirm}
          </button>
          <button type="button" data-latchkey-button="secondary" onClick={() => onMode(null)}>
            {labels.keep}
          </button>
        </fieldset>
      ) : (
        <div data-latchkey-actions="">
          <button
            ref={renameRef}
            type="button"
            data-latchkey-button="secondary"
            aria-describedby={`${id}-name`}
            onClick={() => onMode('renaming')}
          >
            {labels.rename}
          </button>
          <button
            type="button"
            data-latchkey-button="danger"
            aria-describedby={`${id}-name`}
            onClick={() => onMode('confirming')}
          >
            {labels.remove}
          </button>
        </div>
      )}
    </li>
  );
}
