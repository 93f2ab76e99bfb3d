'use client';
import {
  type LatchkeyClient,
  LatchkeyError,
  type LatchkeyResult,
  type Ok,
  type PopPublicKey,
  type Session,
  type SessionResponse,
  type User,
} from '@latchkey/core';
import { localStorageOrNull } from '../internal/local-storage.js';
import { type CeremonyCoordinator, createCeremonyCoordinator } from './ceremony-coordinator.js';
import { type LatchkeyExtension, popKeyField } from './latchkey-extension.js';
import { type SignedIn, type SignInOptions, signInWithPasskey } from './sign-in-with-passkey.js';
import { type SteppedUp, stepUp } from './step-up.js';
import { type Recovery, withRetry } from './with-retry.js';

export type SessionStatus = 'loading' | 'authenticated' | 'unauthenticated';

/** The relying party of this origin, as `GET /session` reports it. */
export type RelyingPartyInfo = SessionResponse['rp'];

interface SnapshotBase {
  readonly rp: RelyingPartyInfo | null;
  /** Why the last `GET /session` failed, when it did. */
  readonly error: LatchkeyError | null;
  /**
   * The account's WebAuthn user handle, once a ceremony in this browser revealed it;
   * the Signal API needs it (WebAuthn L3 §5.1.10).
   */
  readonly userHandle: string | null;
}

/**
 * What `useSession()` reads: `user` and `session` are set exactly when the
 * status is `authenticated`. A new object on every change. One member per
 * status, so that ruling out `loading` and then `unauthenticated` (early
 * returns) leaves `user` and `session` set.
 */
export type SessionSnapshot = SnapshotBase &
  (
    | { readonly status: 'authenticated'; readonly user: User; readonly session: Session }
    | { readonly status: 'loading'; readonly user: null; readonly session: null }
    | { readonly status: 'unauthenticated'; readonly user: null; readonly session: null }
  );

export interface SessionStoreOptions {
  /**
   * The BroadcastChannel name that keeps tabs in sync, or `false` for none.
   * Default: `latchkey:` + the client's base URL.
   */
  channel?: string | false;
  /** Share one coordinator between stores on a page (default: a new one). */
  coordinator?: CeremonyCoordinator;
  /** Plug-ins, such as `lockedSessions()` from `@latchkey/react/locked`. */
  extensions?: readonly LatchkeyExtension[];
}

/** A framework-free session store: the state behind `useSession()` and every ceremony. */
export interface SessionStore {
  readonly client: LatchkeyClient;
  readonly coordinator: CeremonyCoordinator;
  subscribe(listener: () => void): () => void;
  getSnapshot(): SessionSnapshot;
  /** Always `loading`: the server cannot know the browser's session. */
  getServerSnapshot(): SessionSnapshot;
  refresh(): Promise<LatchkeyResult<SessionResponse>>;
  signIn(options?: SignInOptions): Promise<LatchkeyResult<SignedIn>>;
  signOut(): Promise<LatchkeyResult<Ok>>;
  /**
   * After a ceremony run outside the store changed the session (an enrolment:
   * sign-up signs in, a recovery or paired session becomes a full one): asks
   * the server again, remembers the account's user handle and tells the other
   * tabs. `enrolPasskeyIn(store)` calls it; the store does not carry the
   * registration ceremony, so an app that never enrols does not ship it.
   */
  changed(userHandle: string | null): Promise<void>;
  /**
   * The device key the extensions offer (`lockedSessions()`), for routes that
   * open a session outside the kit's ceremonies: recovery, handoff, pairing.
   */
  popKey(): Promise<PopPublicKey | undefined>;
  stepUp(): Promise<LatchkeyResult<SteppedUp>>;
  /**
   * Calls `call`; on `STEP_UP_REQUIRED` steps up, on `POP_REQUIRED` lets the
   * extensions prove possession, and then calls it once more.
   */
  withStepUp<T>(call: () => Promise<LatchkeyResult<T>>): Promise<LatchkeyResult<T>>;
  /** Closes the tab channel, drops listeners and ends the extensions' session work. */
  destroy(): void;
}

type TabMessage = { type: 'signed-out' } | { type: 'changed' };

const LOADING: SessionSnapshot = {
  status: 'loading',
  user: null,
  session: null,
  rp: null,
  error: null,
  userHandle: null,
};

const HANDLE_KEY = 'latchkey:user-handle:';

/**
 * Creates the session store for a Latchkey client. Nothing runs until the first
 * `subscribe`: then it loads `GET /session` and opens a BroadcastChannel (when the
 * runtime has one) so that signing in or out in one tab updates the others.
 *
 * @example
 * const store = createSessionStore(createLatchkeyClient({ baseUrl: '/auth' }));
 * const unsubscribe = store.subscribe(() => console.log(store.getSnapshot().status));
 * await store.signIn({ email: 'ada@example.com' });
 */
export function createSessionStore(
  client: LatchkeyClient,
  options: SessionStoreOptions = {},
): SessionStore {
  const coordinator = options.coordinator ?? createCeremonyCoordinator();
  const channelName = options.channel ?? `latchkey:${client.baseUrl}`;
  const extensions = options.extensions ?? [];
  const listeners = new Set<() => void>();
  let snapshot = LOADING;
  let channel: BroadcastChannel | null = null;
  let started = false;
  let requestId = 0;
  // The session the extensions were told about, and what they asked to run when it ends.
  // Like the rest of the store they work while it is in use: from the first subscriber (a
  // mounted `useSession`) until the last one leaves, so an unmounted provider leaves nothing
  // running, and StrictMode's doubled effects stop and start them again.
  let announced: string | null = null;
  // Whether a signed-out answer was already met with one attempt to prove possession.
  let revived = false;
  const cleanups: Array<() => void> = [];

  function announce() {
    // Keyed on the session and whether it is locked: moving to the locked tier keeps the
    // session id, and the extensions must start proving then.
    const session = listeners.size > 0 ? snapshot.session : null;
    const id = session ? `${session.id}:${session.locked}` : null;
    if (id === announced) return;
    announced = id;
    for (const cleanup of cleanups.splice(0)) cleanup();
    if (id === null || snapshot.status !== 'authenticated') return;
    const context = { client, session: snapshot.session, user: snapshot.user };
    for (const extension of extensions) {
      const cleanup = extension.onSession?.(context);
      if (cleanup) cleanups.push(cleanup);
    }
  }

  // A locked session's proof went stale: the first extension that proves again fixes it.
  const provePossession: Recovery = (error) =>
    error.code === 'POP_REQUIRED'
      ? (async () => {
          for (const extension of extensions) {
            if (await extension.onPopRequired?.(client)) return { data: true, error: null };
          }
          return { data: null, error };
        })()
      : null;

  function set(
    patch: Partial<
      SnapshotBase & { status: SessionStatus; user: User | null; session: Session | null }
    >,
  ) {
    snapshot = { ...snapshot, ...patch } as SessionSnapshot;
    // Signed in again: a later signed-out answer may be a stale proof worth one more try.
    if (snapshot.user) revived = false;
    if (snapshot.user && !patch.userHandle && snapshot.userHandle === null) {
      snapshot = { ...snapshot, userHandle: readHandle(snapshot.user.id) };
    }
    announce();
    for (const listener of [...listeners]) listener();
  }

  function learnHandle(handle: string | null) {
    if (!handle || handle === snapshot.userHandle) return;
    if (snapshot.user) writeHandle(snapshot.user.id, handle);
    set({ userHandle: handle });
  }

  function post(message: TabMessage) {
    channel?.postMessage(message);
  }

  async function refresh(): Promise<LatchkeyResult<SessionResponse>> {
    started = true;
    const id = ++requestId;
    let result = await withRetry(() => client.getSession(), provePossession);
    // A locked session whose proof went stale while the browser was closed reads as signed
    // out; the device key may still be here, so prove once and ask again.
    if (!revived && result.data && !result.data.user && extensions.some((e) => e.onPopRequired)) {
      revived = true;
      const proven = await provePossession(new LatchkeyError('POP_REQUIRED'));
      if (proven?.data) result = await client.getSession();
    }
    // A later refresh, sign-in or sign-out has already spoken; this answer is stale.
    if (id !== requestId) return result;
    if (result.data) {
      const { user, session, rp } = result.data;
      const changedUser = user?.id !== snapshot.user?.id;
      set({
        ...(user && session
          ? { status: 'authenticated' as const, user, session }
          : { status: 'unauthenticated' as const, user: null, session: null }),
        rp,
        error: null,
        userHandle: changedUser ? null : snapshot.userHandle,
      });
    } else if (result.error.code === 'UNAUTHENTICATED' || snapshot.status === 'loading') {
      set({ status: 'unauthenticated', user: null, session: null, error: result.error });
    } else {
      set({ error: result.error });
    }
    return result;
  }

  function open() {
    if (channelName === false || channel || typeof BroadcastChannel !== 'function') return;
    channel = new BroadcastChannel(channelName);
    // Any script of this origin can post on the channel: a message is a hint to ask the
    // server (the cookie is shared by every tab), never a verdict. A forged `signed-out`
    // therefore cannot sign the page out while its session is alive.
    channel.onmessage = (event: MessageEvent<TabMessage>) => {
      if (event.data?.type === 'signed-out' || event.data?.type === 'changed') void refresh();
    };
  }

  const store: SessionStore = {
    client,
    coordinator,
    subscribe(listener) {
      listeners.add(listener);
      open();
      if (!started) void refresh();
      announce();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) {
          channel?.close();
          channel = null;
          announce();
        }
      };
    },
    getSnapshot: () => snapshot,
    getServerSnapshot: () => LOADING,
    refresh,
    async signIn(signInOptions) {
      const result = await signInWithPasskey(client, coordinator, signInOptions, extensions);
      if (result.data) {
        requestId++;
        set({
          status: 'authenticated',
          user: result.data.user,
          session: result.data.session,
          error: null,
        });
        learnHandle(result.data.userHandle);
        post({ type: 'changed' });
        // The relying party's grace may have changed; the rest is already known.
        void refresh();
      }
      return result;
    },
    async signOut() {
      const result = await client.signOut({});
      if (result.data || result.error.code === 'UNAUTHENTICATED') {
        requestId++;
        set({ status: 'unauthenticated', user: null, session: null, userHandle: null });
        post({ type: 'signed-out' });
      }
      return result;
    },
    async popKey() {
      return (await popKeyField(extensions)).popKey;
    },
    async changed(userHandle) {
      await refresh();
      learnHandle(userHandle);
      post({ type: 'changed' });
    },
    async stepUp() {
      const result = await stepUp(client, coordinator);
      if (result.data) {
        learnHandle(result.data.userHandle);
        if (snapshot.session) {
          set({ session: { ...snapshot.session, elevatedUntil: result.data.elevatedUntil } });
        }
      }
      return result;
    },
    withStepUp(call) {
      return withRetry(call, (error) =>
        error.code === 'STEP_UP_REQUIRED' ? store.stepUp() : provePossession(error),
      );
    },
    destroy() {
      listeners.clear();
      channel?.close();
      channel = null;
      announce();
    },
  };
  return store;
}

// The user handle is an opaque random id (WebAuthn L3 §14.6.1), not a secret; keeping it
// lets the Signal API work after a reload, when no ceremony has run yet in this page.
function readHandle(userId: string): string | null {
  return localStorageOrNull()?.getItem(HANDLE_KEY + userId) ?? null;
}

function writeHandle(userId: string, handle: string) {
  try {
    localStorageOrNull()?.setItem(HANDLE_KEY + userId, handle);
  } catch {
    // Storage may be full or blocked (private mode); the handle stays in memory.
  }
}
