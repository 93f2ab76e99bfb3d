'use client';
import { createLatchkeyClient, type LatchkeyClient } from '@latchkey/core';
import { type ReactNode, useState } from 'react';
import { createSessionStore, type SessionStore } from '../client/session-store.js';
import { LatchkeyContext } from './latchkey-context.js';

export type LatchkeyProviderProps = {
  children?: ReactNode;
  /** BroadcastChannel name for tab sync, or `false` (see `createSessionStore`). */
  channel?: string | false;
} & (
  | {
      /** A client made with `createLatchkeyClient`. */ client: LatchkeyClient;
      baseUrl?: never;
      store?: never;
    }
  | {
      /** Where Latchkey's routes live, for example `/auth`. */ baseUrl: string;
      client?: never;
      store?: never;
    }
  | {
      /** A store made with `createSessionStore`, to share it outside React. */ store: SessionStore;
      client?: never;
      baseUrl?: never;
    }
);

/**
 * Makes a Latchkey client and its session store available to the kit's hooks
 * and components. Rendering it on a server does nothing but render: the session
 * is loaded in the browser, after hydration.
 *
 * @example
 * <LatchkeyProvider baseUrl="/auth">
 *   <App />
 * </LatchkeyProvider>
 */
export function LatchkeyProvider(props: LatchkeyProviderProps) {
  const [store] = useState(() => {
    if (props.store) return props.store;
    if (props.client) return createSessionStore(props.client, { channel: props.channel });
    if (typeof props.baseUrl === 'string') {
      return createSessionStore(createLatchkeyClient({ baseUrl: props.baseUrl }), {
        channel: props.channel,
      });
    }
    throw new TypeError('LatchkeyProvider: pass a `client`, a `baseUrl` or a `store`');
  });
  return <LatchkeyContext.Provider value={store}>{props.children}</LatchkeyContext.Provider>;
}
