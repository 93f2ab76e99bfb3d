'use client';
import { createLeanLatchkeyClient, type LatchkeyClient } from '@latchkey/core';
import { type ReactNode, useState } from 'react';
import type { LatchkeyExtension } from '../client/latchkey-extension.js';
import { createSessionStore, type SessionStore } from '../client/session-store.js';
import { LatchkeyContext } from './latchkey-context.js';
import { type LatchkeyLabels, LatchkeyLabelsContext } from './latchkey-labels.js';

export type LatchkeyProviderProps = {
  children?: ReactNode;
  /** BroadcastChannel name for tab sync, or `false` (see `createSessionStore`). */
  channel?: string | false;
  /**
   * The kit's strings in another language, for every component: `de` from
   * `@latchkey/react/locales/de`, or your own `LatchkeyLabels`. A component's
   * `labels` prop still overrides them.
   */
  labels?: LatchkeyLabels;
} & (
  | {
      /** A client made with `createLatchkeyClient` or `createLeanLatchkeyClient`. */
      client: LatchkeyClient;
      baseUrl?: never;
      store?: never;
      fetchTimeout?: never;
      /** Plug-ins, such as `lockedSessions()` from `@latchkey/react/locked`. */
      extensions?: readonly LatchkeyExtension[];
    }
  | {
      /** Where Latchkey's routes live, for example `/auth`. */
      baseUrl: string;
      /**
       * Milliseconds to wait for each answer of the client made here (default
       * 30 000): a silent server ends a ceremony with `NETWORK_ERROR` rather
       * than holding the passkey prompt's slot.
       */
      fetchTimeout?: number;
      client?: never;
      store?: never;
      /** Plug-ins, such as `lockedSessions()` from `@latchkey/react/locked`. */
      extensions?: readonly LatchkeyExtension[];
    }
  | {
      /**
       * A store made with `createSessionStore`, to share it outside React; give
       * it its `extensions` there.
       */
      store: SessionStore;
      client?: never;
      baseUrl?: never;
      extensions?: never;
      fetchTimeout?: never;
    }
);

/**
 * Makes a Latchkey client and its session store available to the kit's hooks
 * and components. Rendering it on a server does nothing but render: the session
 * is loaded in the browser, after hydration.
 *
 * With `baseUrl` it makes a `createLeanLatchkeyClient`: the kit then ships
 * without zod and the protocol's schemas, and trusts the shape of your own
 * server's answers (errors are still mapped to registered codes). To validate
 * every answer, pass `client={createLatchkeyClient({ baseUrl })}` instead. It
 * applies the extensions' `fetch` wrappers only to the client it makes: a
 * client you pass keeps its own `fetch` (give it `signedFetch` for locked sessions).
 *
 * `labels` sets the components' strings (and the language of their dates)
 * for the whole tree.
 *
 * @example
 * import { de } from '@latchkey/react/locales/de';
 *
 * <LatchkeyProvider baseUrl="/auth" labels={de}>
 *   <App />
 * </LatchkeyProvider>
 */
export function LatchkeyProvider(props: LatchkeyProviderProps) {
  const [store] = useState(() => {
    if (props.store) return props.store;
    // Extensions wrap the fetch of the client made here, in the order given.
    let fetch: typeof globalThis.fetch = (...args) => globalThis.fetch(...args);
    for (const extension of props.extensions ?? []) fetch = extension.fetch?.(fetch) ?? fetch;
    const client =
      props.client ??
      (typeof props.baseUrl === 'string'
        ? createLeanLatchkeyClient({
            baseUrl: props.baseUrl,
            fetch,
            fetchTimeout: props.fetchTimeout ?? 30_000,
          })
        : null);
    if (!client) throw new TypeError('LatchkeyProvider: pass a `client`, a `baseUrl` or a `store`');
    return createSessionStore(client, { channel: props.channel, extensions: props.extensions });
  });
  return (
    <LatchkeyContext.Provider value={store}>
      <LatchkeyLabelsContext.Provider value={props.labels}>
        {props.children}
      </LatchkeyLabelsContext.Provider>
    </LatchkeyContext.Provider>
  );
}
