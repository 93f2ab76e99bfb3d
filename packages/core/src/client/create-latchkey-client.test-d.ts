import { describe, expectTypeOf, it } from 'vitest';
import type { ErrorCode } from '../errors/codes.js';
import type { LatchkeyError } from '../errors/latchkey-error.js';
import type { PathParamNames, RouteInput } from '../routes.js';
import type { PasskeyInfo } from '../schemas/passkey.js';
import {
  createLatchkeyClient,
  type LatchkeyClient,
  type LatchkeyResult,
} from './create-latchkey-client.js';
import { createLeanLatchkeyClient } from './create-lean-latchkey-client.js';

const client = createLatchkeyClient({ baseUrl: '/auth' });

describe('createLatchkeyClient types', () => {
  it('renamePasskey requires credentialId and name', () => {
    expectTypeOf(client.renamePasskey).toBeCallableWith({ credentialId: 'abc', name: 'Laptop' });
    expectTypeOf<RouteInput<'renamePasskey'>>().toEqualTypeOf<
      { credentialId: string } & { name: string }
    >();
    // @ts-expect-error: name is required
    client.renamePasskey({ credentialId: 'abc' });
    // @ts-expect-error: credentialId is required
    client.renamePasskey({ name: 'Laptop' });
    // @ts-expect-error: the input is required
    client.renamePasskey();
    // @ts-expect-error: a name is a string
    client.renamePasskey({ credentialId: 'abc', name: 42 });
  });

  it('getSession and other body-less routes take no input', () => {
    expectTypeOf(client.getSession).toBeCallableWith();
    expectTypeOf(client.getSession).toBeCallableWith(undefined, {
      signal: new AbortController().signal,
    });
    expectTypeOf<RouteInput<'getSession'>>().toEqualTypeOf<Record<never, never>>();
    expectTypeOf(client.listPasskeys).toBeCallableWith();
    // @ts-expect-error: deleting a passkey needs its id
    client.deletePasskey();
  });

  it('a route with a path parameter and an empty body takes the parameter', () => {
    // Regression: the strict empty body once forbade every key, the parameter too.
    expectTypeOf(client.approvePasskey).toBeCallableWith({ credentialId: 'abc' });
    expectTypeOf<RouteInput<'denyPasskey'>>().toEqualTypeOf<
      { credentialId: string } & Record<never, never>
    >();
    expectTypeOf(client.signOut).toBeCallableWith();
    // @ts-expect-error: the credential id is required
    client.approvePasskey();
  });

  it('path parameters come from the route paths', () => {
    expectTypeOf<
      PathParamNames<'/approvals/:credentialId/approve'>
    >().toEqualTypeOf<'credentialId'>();
    expectTypeOf<PathParamNames<'/a/:x/b/:y'>>().toEqualTypeOf<'x' | 'y'>();
    expectTypeOf<PathParamNames<'/session'>>().toBeNever();
    expectTypeOf(client.pairingStatus).toBeCallableWith({ pairingId: 'p1' });
  });

  it('authenticate resolves to the signed-in user and session, or an error', async () => {
    const result = await client.authenticate({
      response: {
        id: 'AAAA',
        rawId: 'AAAA',
        type: 'public-key',
        response: { clientDataJSON: 'AAAA', authenticatorData: 'AAAA', signature: 'AAAA' },
        clientExtensionResults: {},
      },
    });
    if (result.error === null) {
      expectTypeOf(result.data.user.id).toEqualTypeOf<string>();
      expectTypeOf(result.data.user.email).toEqualTypeOf<string | null>();
      expectTypeOf(result.data.session.kind).toEqualTypeOf<
        'full' | 'recovery' | 'enrol' | 'email' | 'password'
      >();
    } else {
      expectTypeOf(result.data).toBeNull();
      expectTypeOf(result.error).toEqualTypeOf<LatchkeyError>();
      expectTypeOf(result.error.code).toEqualTypeOf<ErrorCode>();
    }
    // @ts-expect-error: a response of the wrong shape
    client.authenticate({ response: { id: 'AAAA' } });
  });

  it('listPasskeys data is a list of PasskeyInfo', () => {
    expectTypeOf(client.listPasskeys).returns.resolves.toEqualTypeOf<
      LatchkeyResult<{ passkeys: PasskeyInfo[] }>
    >();
  });

  it('request(name, …) is typed by the route name', () => {
    expectTypeOf(client.request<'renamePasskey'>)
      .parameter(1)
      .toEqualTypeOf<RouteInput<'renamePasskey'> | undefined>();
    // @ts-expect-error: not a route
    client.request('notARoute');
  });
});

describe('createLeanLatchkeyClient types', () => {
  it('makes the same client type as createLatchkeyClient', () => {
    expectTypeOf(createLeanLatchkeyClient).returns.toEqualTypeOf<LatchkeyClient>();
    expectTypeOf(createLeanLatchkeyClient).parameters.toEqualTypeOf<
      Parameters<typeof createLatchkeyClient>
    >();
  });
});
