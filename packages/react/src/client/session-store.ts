'use client';
import type {
  LatchkeyClient,
  LatchkeyError,
  LatchkeyResult,
  Ok,
  Session,
  SessionResponse,
  User,
} from '@latchkey/core';
import { type CeremonyCoordinator, createCeremonyCoordinator } from './ceremony-coordinator.js';
import { type Enrolled, type EnrolOptions, enrolPasskey } from './enrol-passkey.js';
import { type SignedIn, type SignInOptions, signInWithPasskey } from './sign-in-with-passkey.js';
import { type SteppedUp, stepUp, withStepUp } from './step-up.js';

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
 * status is `authenticated`. A new object on every change.
 */
export type SessionSnapshot = SnapshotBase &
  (
    | { readonly status: 'authenticated'; readonly user: User; readonly session: Session }
    | {
        readonly status: 'loading' | 'unauthenticated';
        readonly user: null;
        readonly session: null;
      }
  );

export interface SessionStoreOptions {
  /**
   * The BroadcastChannel name that keeps tabs in sync, or `false` for none.
   * Default: `latchkey:` + the client's base URL.
   */
  channel?: string | false;
  /** Share one coordinator between stores on a page (default: a new one). */
  coordinator?: CeremonyCoordinator;
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
  enrol(options?: EnrolOptions): Promise<LatchkeyResult<Enrolled>>;
  stepUp(): Promise<LatchkeyResult<SteppedUp>>;
  /** Calls `call`, and on `STEP_UP_REQUIRED` steps up and calls it once more. */
  withStepUp<T>(call: () => Promise<LatchkeyResult<T>>): Promise<LatchkeyResult<T>>;
  /** Closes the tab channel and drops listeners. */
  destroy(): void;
}

type TabMessage = { type: 'signed-out' } | { type: 'changed' };

const LOADING: SessionSnapshot = Object.freeze({
  status: 'loading',
  user: null,
  session: null,
  rp: null,
  error: null,
  userHandle: null,
});

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
  const listeners = new Set<() => void>();
  let snapshot = LOADING;
  let channel: BroadcastChannel | null = null;
  let started = false;
  let requestId = 0;

  function set(
    patch: Partial<
      SnapshotBase & { status: SessionStatus; user: User | null; session: Session | null }
    >,
  ) {
    snapshot = { ...snapshot, ...patch } as SessionSnapshot;
    if (snapshot.user && !patch.userHandle && snapshot.userHandle === null) {
      snapshot = { ...snapshot, userHandle: readHandle(snapshot.user.id) };
    }
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

  function signedOut() {
    set({ status: 'unauthenticated', user: null, session: null, userHandle: null });
  }

  async function refresh(): Promise<LatchkeyResult<SessionResponse>> {
    started = true;
    const id = ++requestId;
    const result = await client.getSession();
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
        ...(changedUser ? { userHandle: null } : {}),
      });
    } else if (
      result.error.code === 'UNAUTHENTICATED' ||
      result.error.code === 'SESSION_EXPIRED' ||
      snapshot.status === 'loading'
    ) {
      set({ status: 'unauthenticated', user: null, session: null, error: result.error });
    } else {
      set({ error: result.error });
    }
    return result;
  }

  function open() {
    if (channelName === false || channel || typeof BroadcastChannel !== 'function') return;
    channel = new BroadcastChannel(channelName);
    channel.onmessage = (event: MessageEvent<TabMessage>) => {
      // The cookie is shared by every tab: once one signed out, the others are signed out too.
      if (event.data?.type === 'signed-out') {
        requestId++;
        signedOut();
      } else if (event.data?.type === 'changed') {
        void refresh();
      }
    };
  }

  const store: SessionStore = {
    client,
    coordinator,
    subscribe(listener) {
      listeners.add(listener);
      open();
      if (!started) void refresh();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) {
          channel?.close();
          channel = null;
        }
      };
    },
    getSnapshot: () => snapshot,
    getServerSnapshot: () => LOADING,
    refresh,
    async signIn(signInOptions) {
      const result = await signInWithPasskey(client, coordinator, signInOptions);
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
      if (
        result.data ||
        result.error.code === 'UNAUTHENTICATED' ||
        result.error.code === 'SESSION_EXPIRED'
      ) {
        requestId++;
        signedOut();
        post({ type: 'signed-out' });
      }
      return result;
    },
    async enrol(enrolOptions) {
      const result = await enrolPasskey(client, coordinator, enrolOptions);
      if (result.data) {
        // Sign-up signs in, and a recovery or paired session becomes a full one.
        await refresh();
        learnHandle(result.data.userHandle);
        post({ type: 'changed' });
      }
      return result;
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
      return withStepUp(call, () => store.stepUp());
    },
    destroy() {
      listeners.clear();
      channel?.close();
      channel = null;
    },
  };
  return store;
}

// The user handle is an opaque random id (WebAuthn L3 §14.6.1), not a secret; keeping it
// lets the Signal API work after a reload, when no ceremony has run yet in this page.
function readHandle(userId: string): string | null {
  try {
    return globalThis.localStorage?.getItem(HANDLE_KEY + userId) ?? null;
  } catch {
    return null;
  }
}

function writeHandle(userId: string, handle: string) {
  try {
    globalThis.localStorage?.setItem(HANDLE_KEY + userId, handle);
  } catch {
    // Storage may be full or blocked (private mode); the handle stays in memory.
  }
}
