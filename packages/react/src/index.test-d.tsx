import type {
  LatchkeyClient,
  LatchkeyError,
  LatchkeyResult,
  PasskeyInfo,
  PopPublicKey,
  Session,
  User,
} from '@latchkey/core';
import { describe, expectTypeOf, it } from 'vitest';
import {
  type Enrolled,
  type LatchkeyExtension,
  LatchkeyProvider,
  type LatchkeyProviderProps,
  PairPrompt,
  type PairPromptProps,
  PasskeyEnrolButton,
  type PasskeyEnrolButtonProps,
  PasskeyList,
  type PasskeySignInProps,
  PendingApprovals,
  RecoveryCodes,
  type RecoveryCodesProps,
  type SessionStatus,
  type SessionStore,
  type SignedIn,
  useEnrolPasskey,
  usePairing,
  usePasskeys,
  useRecoveryCodes,
  useSession,
  useStepUp,
  useWebAuthnSupport,
} from './index.js';

describe('useSession', () => {
  it('narrows user and session after ruling out the other statuses', () => {
    const session = useSession();
    const { status, user } = session;
    if (session.status === 'loading') return;
    if (session.status === 'unauthenticated') return;
    expectTypeOf(session.user).toEqualTypeOf<User>();
    if (status === 'loading' || status === 'unauthenticated') return;
    expectTypeOf(user).toEqualTypeOf<User>();
  });

  it('narrows user and session by status', () => {
    const session = useSession();
    expectTypeOf(session.status).toEqualTypeOf<SessionStatus>();
    if (session.status === 'authenticated') {
      expectTypeOf(session.user).toEqualTypeOf<User>();
      expectTypeOf(session.session).toEqualTypeOf<Session>();
    } else {
      expectTypeOf(session.user).toEqualTypeOf<null>();
    }
    expectTypeOf(session.signIn)
      .parameter(0)
      .toEqualTypeOf<{ email?: string; mediation?: 'modal' | 'conditional' } | undefined>();
    expectTypeOf(session.signIn).returns.resolves.toEqualTypeOf<LatchkeyResult<SignedIn>>();
    expectTypeOf(session.rp).toEqualTypeOf<{
      id: string;
      grace: boolean;
      signUp: 'open' | 'closed';
    } | null>();
  });
});

describe('hooks', () => {
  it('type their results', () => {
    expectTypeOf(usePasskeys().passkeys).toEqualTypeOf<PasskeyInfo[]>();
    expectTypeOf(usePasskeys().remove).returns.resolves.toEqualTypeOf<
      LatchkeyResult<{ ok: true }>
    >();
    expectTypeOf(useEnrolPasskey().status).toEqualTypeOf<
      'idle' | 'pending' | 'success' | 'error'
    >();
    expectTypeOf(useEnrolPasskey().data).toEqualTypeOf<Enrolled | null>();
    expectTypeOf(usePairing().status).toEqualTypeOf<
      'idle' | 'starting' | 'pending' | 'approved' | 'denied' | 'expired' | 'error'
    >();
    expectTypeOf(useRecoveryCodes().remaining).toEqualTypeOf<number | null>();
    expectTypeOf(useWebAuthnSupport().conditionalMediation).toEqualTypeOf<boolean>();
    expectTypeOf(useStepUp().error).toEqualTypeOf<LatchkeyError | null>();
    expectTypeOf(useStepUp().withStepUp<number>).returns.resolves.toEqualTypeOf<
      LatchkeyResult<number>
    >();
  });
});

describe('component props', () => {
  it('requires a client, a baseUrl or a store, and only one', () => {
    expectTypeOf<{ baseUrl: string }>().toExtend<LatchkeyProviderProps>();
    expectTypeOf<{ children: null }>().not.toExtend<LatchkeyProviderProps>();
    // @ts-expect-error: a client and a baseUrl at once
    <LatchkeyProvider baseUrl="/auth" client={null as unknown as LatchkeyClient} />;
  });

  it('takes extensions with a client or a baseUrl, not with a store of its own', () => {
    const extension: LatchkeyExtension = {
      popKey: async () => undefined,
      onSession: ({ session }) => (session.locked ? () => {} : undefined),
      onPopRequired: async (client) => client.baseUrl !== '',
    };
    <LatchkeyProvider baseUrl="/auth" extensions={[extension, {}]} />;
    <LatchkeyProvider client={null as unknown as LatchkeyClient} extensions={[extension]} />;
    // @ts-expect-error: a store gets its extensions from createSessionStore
    <LatchkeyProvider store={null as unknown as SessionStore} extensions={[extension]} />;
    expectTypeOf<Parameters<NonNullable<LatchkeyExtension['popKey']>>>().toEqualTypeOf<[]>();
    expectTypeOf<ReturnType<NonNullable<LatchkeyExtension['popKey']>>>().toEqualTypeOf<
      Promise<PopPublicKey | undefined>
    >();
  });

  it('types the enrol button', () => {
    expectTypeOf<PasskeyEnrolButtonProps['whenUnsupported']>().toEqualTypeOf<
      'explain' | 'hide' | undefined
    >();
    expectTypeOf<PasskeyEnrolButtonProps['onEnrolled']>().toEqualTypeOf<
      ((result: Enrolled) => void) | undefined
    >();
    <PasskeyEnrolButton asChild name="Work laptop" className="x" labels={{ enrol: 'Ajouter' }} />;
    // @ts-expect-error: not a whenUnsupported value
    <PasskeyEnrolButton whenUnsupported="ignore" />;
  });

  it('types the sign-in form', () => {
    expectTypeOf<PasskeySignInProps['onSignedIn']>().toEqualTypeOf<
      ((result: SignedIn) => void) | undefined
    >();
    expectTypeOf<PasskeySignInProps['labels']>().toExtend<{ submit?: string } | undefined>();
  });

  it('types the pair prompt as controllable', () => {
    expectTypeOf<PairPromptProps['open']>().toEqualTypeOf<boolean | undefined>();
    expectTypeOf<PairPromptProps['onOpenChange']>().toEqualTypeOf<
      ((open: boolean) => void) | undefined
    >();
    <PairPrompt defaultOpen needed={false} />;
  });

  it('types label functions and codes', () => {
    <PasskeyList labels={{ lastUsed: (date) => `Utilisée le ${date}` }} locale="fr-FR" />;
    <PendingApprovals labels={{ approve: 'Approuver' }} />;
    expectTypeOf<RecoveryCodesProps['codes']>().toEqualTypeOf<readonly string[] | undefined>();
    <RecoveryCodes codes={['a']} onContinue={() => {}} />;
    // @ts-expect-error: labels are strings
    <PasskeyList labels={{ rename: 1 }} />;
  });
});
