import { describe, expectTypeOf, it } from 'vitest';
import type { RouteHandler } from '../services.js';
import type { SessionRecord, TokenRecord, UserRecord } from '../stores/contract.js';
import type { RouteContext } from './route-context.js';

describe('RouteContext', () => {
  it('gives a session route its user and session, not null', () => {
    expectTypeOf<RouteContext<'listPasskeys'>['user']>().toEqualTypeOf<UserRecord>();
    expectTypeOf<RouteContext<'listPasskeys'>['session']>().toEqualTypeOf<SessionRecord>();
    expectTypeOf<RouteContext<'signOut'>['token']>().toEqualTypeOf<null>();
  });

  it('gives an elevated route a session: tokens are refused there', () => {
    expectTypeOf<RouteContext<'deletePasskey'>['user']>().toEqualTypeOf<UserRecord>();
    expectTypeOf<RouteContext<'deletePasskey'>['session']>().toEqualTypeOf<SessionRecord>();
  });

  it('gives a bearer session route a session or a token, one of the two', () => {
    expectTypeOf<RouteContext<'issueJwt'>['user']>().toEqualTypeOf<UserRecord>();
    const handler: RouteHandler<'issueJwt'> = async (ctx) => {
      if (ctx.token) {
        expectTypeOf(ctx.session).toEqualTypeOf<null>();
        return { token: ctx.token.id, expiresAt: '' };
      }
      expectTypeOf(ctx.session).toEqualTypeOf<SessionRecord>();
      expectTypeOf(ctx.token).toEqualTypeOf<null>();
      return { token: ctx.session.id, expiresAt: '' };
    };
    expectTypeOf(handler).toBeFunction();
  });

  it('keeps the caller nullable where the handler lets anyone through', () => {
    // `enrol`: nobody (open sign-up), the host app's signed-in person, or any session.
    expectTypeOf<RouteContext<'register'>['user']>().toEqualTypeOf<UserRecord | null>();
    expectTypeOf<RouteContext<'register'>['session']>().toEqualTypeOf<SessionRecord | null>();
    expectTypeOf<RouteContext<'register'>['token']>().toEqualTypeOf<null>();
    expectTypeOf<RouteContext<'authenticate'>['user']>().toEqualTypeOf<UserRecord | null>();
    expectTypeOf<RouteContext<'pairingStatus'>['session']>().toEqualTypeOf<SessionRecord | null>();
    expectTypeOf<RouteContext<'getSession'>['token']>().toEqualTypeOf<TokenRecord | null>();
  });

  it('names the path parameters and parses the body', () => {
    expectTypeOf<RouteContext<'revokeToken'>['params']>().toEqualTypeOf<{ readonly id: string }>();
    expectTypeOf<RouteContext<'renamePasskey'>['params']>().toEqualTypeOf<{
      readonly credentialId: string;
    }>();
    expectTypeOf<keyof RouteContext<'listPasskeys'>['params']>().toEqualTypeOf<never>();
    expectTypeOf<RouteContext<'renamePasskey'>['body']>().toEqualTypeOf<{ name: string }>();
    expectTypeOf<RouteContext<'listPasskeys'>['body']>().toEqualTypeOf<undefined>();
  });
});
