'use client';
import type { FallbacksResponse, LatchkeyError, UpdateFallbacksRequest } from '@latchkey/core';
import {
  type ComponentPropsWithoutRef,
  type ForwardedRef,
  forwardRef,
  useId,
  useState,
} from 'react';
import { useSessionStore } from '../hooks/use-latchkey-client.js';
import { useStepUp } from '../hooks/use-step-up.js';
import { type ErrorLabels, errorMessage } from '../internal/error-message.js';
import { FormShell, outcomeMessage, useFormOutcome } from '../internal/form-shell.js';
import { useResource } from '../internal/use-resource.js';
import { useLabels } from '../provider/latchkey-labels.js';

/** The ways in besides a passkey, in the order they are offered. */
export type FallbackMethod = keyof FallbacksResponse['account'];
const METHODS: readonly FallbackMethod[] = ['recoveryCodes', 'magicLink', 'password'];

export interface FallbackSettingsLabels {
  legend: string;
  recoveryCodes: string;
  magicLink: string;
  password: string;
  /** Under the password box while the account has no password yet. */
  passwordNotSet: string;
  /** When the deployment allows no way in besides a passkey. */
  none: string;
  loading: string;
  save: string;
  saving: string;
  saved: string;
  /** The settings could not be read. */
  loadFailed: string;
  /** A save failed with an error that has no label of its own. */
  failed: string;
  errors: ErrorLabels;
}

export const DEFAULT_FALLBACK_SETTINGS_LABELS: FallbackSettingsLabels = {
  legend: 'Other ways to sign in',
  recoveryCodes: 'Recovery codes',
  magicLink: 'Sign-in link by email',
  password: 'Password',
  passwordNotSet: 'You have not set a password yet.',
  none: 'This service offers no way to sign in besides a passkey.',
  loading: 'Loading your settings…',
  save: 'Save',
  saving: 'Saving…',
  saved: 'Your choices are saved.',
  loadFailed: 'Could not load your settings. Try again.',
  failed: 'Could not save your choices. Try again.',
  errors: {
    FALLBACK_UNAVAILABLE: 'This service does not offer that way to sign in.',
    STEP_UP_REQUIRED: 'Confirm with your passkey to change these settings.',
  },
};

/** `loading` → `idle` → `saving` → `saved` | `error` (a load or a save that failed). */
export type FallbackSettingsState = 'idle' | 'loading' | 'saving' | 'saved' | 'error';

export interface FallbackSettingsProps
  extends Omit<ComponentPropsWithoutRef<'form'>, 'children' | 'onError'> {
  /** After a save, with the server's answer. */
  onSaved?: (settings: FallbacksResponse) => void;
  onError?: (error: LatchkeyError) => void;
  labels?: Partial<FallbackSettingsLabels>;
}

/**
 * The account's choice of ways in besides a passkey (`GET`/`PUT /fallbacks`):
 * one checkbox per method the deployment allows, in a fieldset, and a save
 * button. A method the deployment has off is not offered. Saving needs a recent
 * step-up: when the server asks (`STEP_UP_REQUIRED`), it confirms with a passkey
 * and saves once more. News goes to a polite live region.
 *
 * @example
 * import { FallbackSettings } from '@latchkey/react/fallbacks';
 *
 * <FallbackSettings onSaved={(settings) => console.log(settings.account)} />
 */
export const FallbackSettings = /*#__PURE__*/ forwardRef(function FallbackSettings(
  { onSaved, onError, labels: custom, onSubmit, ...rest }: FallbackSettingsProps,
  ref: ForwardedRef<HTMLFormElement>,
) {
  const labels = useLabels('fallbackSettings', DEFAULT_FALLBACK_SETTINGS_LABELS, custom);
  const store = useSessionStore();
  const { withStepUp } = useStepUp();
  const id = useId();
  const resource = useResource(
    store,
    (signal) => store.client.getFallbacks(undefined, { signal }),
    (data) => data,
  );
  const { setData } = resource;
  const settings = resource.data;
  // The boxes changed since the settings last loaded; a new answer from the server starts afresh.
  const [edits, setEdits] = useState<{
    base: FallbacksResponse | null;
    flags: Partial<FallbacksResponse['account']>;
  }>({ base: null, flags: {} });
  const draft = settings
    ? { ...settings.account, ...(edits.base === settings ? edits.flags : {}) }
    : null;
  const saving = useFormOutcome<'saved'>();

  const offered = settings ? METHODS.filter((method) => settings.deployment[method]) : [];

  const save = async () => {
    if (!settings || !draft) return;
    // Only what changed, and only what the deployment offers: the others stay as they are.
    const change: UpdateFallbacksRequest = {};
    for (const method of offered) {
      if (draft[method] !== settings.account[method]) change[method] = draft[method];
    }
    saving.start();
    const result = await withStepUp(() => store.client.updateFallbacks(change));
    if (result.error) {
      saving.fail(result.error);
      onError?.(result.error);
      return;
    }
    setData(result.data);
    saving.finish('saved');
    onSaved?.(result.data);
  };

  const state: FallbackSettingsState =
    saving.state === 'pending'
      ? 'saving'
      : resource.status === 'loading' && !settings
        ? 'loading'
        : saving.state !== 'idle'
          ? saving.state
          : resource.status === 'error'
            ? 'error'
            : 'idle';
  const status =
    outcomeMessage(saving, labels, labels.saved) ??
    (state === 'loading'
      ? labels.loading
      : resource.status === 'error'
        ? errorMessage(resource.error, labels, labels.loadFailed)
        : null);
  const busy = state === 'loading' || state === 'saving';

  return (
    <FormShell
      ref={ref}
      part="fallback-settings"
      state={state}
      busy={busy}
      message={status}
      tone={state === 'saved' ? 'success' : state === 'error' ? 'error' : undefined}
      onSubmit={onSubmit}
      onSend={save}
      {...rest}
    >
      <fieldset disabled={!settings || undefined}>
        <legend>{labels.legend}</legend>
        {settings && offered.length === 0 ? <p>{labels.none}</p> : null}
        {offered.map((method) => {
          const hint = method === 'password' && !settings?.passwordSet;
          return (
            <div key={method} data-latchkey-checkbox="">
              <input
                id={`${id}-${method}`}
                name={method}
                type="checkbox"
                checked={draft?.[method] ?? false}
                aria-describedby={hint ? `${id}-${method}-hint` : undefined}
                onChange={(event) => {
                  const checked = event.target.checked;
                  setEdits((previous) => ({
                    base: settings,
                    flags: {
                      ...(previous.base === settings ? previous.flags : {}),
                      [method]: checked,
                    },
                  }));
                  if (saving.state !== 'pending') saving.reset();
                }}
              />
              <label htmlFor={`${id}-${method}`}>{labels[method]}</label>
              {hint ? <small id={`${id}-${method}-hint`}>{labels.passwordNotSet}</small> : null}
            </div>
          );
        })}
      </fieldset>
      {offered.length > 0 ? (
        <button type="submit" data-latchkey-button="primary" aria-disabled={busy || undefined}>
          {state === 'saving' ? labels.saving : labels.save}
        </button>
      ) : null}
    </FormShell>
  );
});
