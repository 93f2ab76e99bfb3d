import { describe, expect, it } from 'vitest';
import { authenticationFixtures, copy, registrationFixtures } from '../../test/fixtures.js';
import { issuesOf } from '../../test/schema-issues.js';
import {
  AuthenticateRequest,
  AuthOptionsRequest,
  AuthOptionsResponse,
  RegisterOptionsRequest,
  RegisterOptionsResponse,
  RegisterRequest,
  RenamePasskeyRequest,
  VerifyRequest,
} from './ceremonies.js';

// A real proof-of-possession key's public half: P-256 coordinates are 32 bytes, 43 characters.
const popKey = { kty: 'EC', crv: 'P-256', x: 'A'.repeat(43), y: 'B'.repeat(43) };

const CONTROL_CHARACTERS = ['\u0000', '\u0007', '\n', '\r', '\t', '\u001b', '\u001f', '\u007f'];
const BAD_EMAILS = [
  'not-an-email',
  'alice@',
  '@example.com',
  'alice example@example.com',
  'alice@@example.com',
  'alice@example',
  'alice@exa mple.com',
  'alice\n@example.com',
];
// 254 characters is the longest address (RFC 5321 §4.5.3.1.3 less the angle brackets).
const domain = (length: number) =>
  `${'b'.repeat(60)}.${'c'.repeat(60)}.${'d'.repeat(60)}.${'e'.repeat(length - 187)}.com`;
const LONGEST_EMAIL = `${'a'.repeat(64)}@${domain(189)}`;

describe('request bodies accept the captured fixtures', () => {
  it.each(registrationFixtures.map((f) => [f.name, f] as const))(
    'RegisterRequest wraps %s',
    (_, fixture) => {
      const body = { response: fixture.response, name: 'Work laptop', popKey };
      expect(RegisterRequest.parse(body)).toEqual(body);
      expect(RegisterRequest.parse({ response: fixture.response })).toEqual({
        response: fixture.response,
      });
      expect(RegisterOptionsResponse.parse({ options: fixture.options })).toEqual({
        options: fixture.options,
      });
    },
  );

  it.each(authenticationFixtures.map((f) => [f.name, f] as const))(
    'AuthenticateRequest and VerifyRequest wrap %s',
    (_, fixture) => {
      expect(AuthenticateRequest.parse({ response: fixture.response, popKey })).toEqual({
        response: fixture.response,
        popKey,
      });
      expect(VerifyRequest.parse({ response: fixture.response })).toEqual({
        response: fixture.response,
      });
      expect(AuthOptionsResponse.parse({ options: fixture.options })).toEqual({
        options: fixture.options,
      });
    },
  );
});

const registration = registrationFixtures[0]!;
const authentication = authenticationFixtures[0]!;

describe('request bodies reject', () => {
  it('a missing response', () => {
    expect(issuesOf(RegisterRequest, { name: 'Laptop' })).toEqual(['response:invalid_type']);
    expect(issuesOf(AuthenticateRequest, {})).toEqual(['response:invalid_type']);
    expect(issuesOf(VerifyRequest, {})).toEqual(['response:invalid_type']);
  });

  it('an extra level of nesting: {response: {response: …}}', () => {
    const nested = { response: { response: registration.response } };
    const issues = issuesOf(RegisterRequest, nested);
    expect(issues).toContain('response.id:invalid_type');
    expect(issues).toContain('response.response.clientDataJSON:invalid_type');
    expect(
      issuesOf(AuthenticateRequest, { response: { response: authentication.response } }),
    ).toContain('response.response.signature:invalid_type');
  });

  it('the wrong ceremony: a registration to authenticate, an assertion to register', () => {
    expect(issuesOf(AuthenticateRequest, { response: registration.response })).toContain(
      'response.response.signature:invalid_type',
    );
    expect(issuesOf(RegisterRequest, { response: authentication.response })).toContain(
      'response.response.attestationObject:invalid_type',
    );
  });

  it.each([
    ['RegisterRequest', RegisterRequest, () => ({ response: copy(registration.response) })],
    [
      'AuthenticateRequest',
      AuthenticateRequest,
      () => ({ response: copy(authentication.response) }),
    ],
    ['VerifyRequest', VerifyRequest, () => ({ response: copy(authentication.response) })],
    ['RenamePasskeyRequest', RenamePasskeyRequest, () => ({ name: 'Laptop' })],
    ['RegisterOptionsRequest', RegisterOptionsRequest, () => ({ email: 'alice@example.com' })],
    ['AuthOptionsRequest', AuthOptionsRequest, () => ({})],
  ] as const)('unknown keys on %s (a strict body)', (_, schema, body) => {
    expect(issuesOf(schema, body())).toEqual([]);
    expect(issuesOf(schema, { ...body(), isAdmin: true })).toEqual([':unrecognized_keys']);
    expect(issuesOf(schema, { ...body(), __proto__x: 1, userId: 'u1' })).toEqual([
      ':unrecognized_keys',
    ]);
  });

  it('unknown keys inside the proof-of-possession key', () => {
    const body = { response: authentication.response, popKey: { ...popKey, d: 'A'.repeat(43) } };
    expect(issuesOf(AuthenticateRequest, body)).toEqual(['popKey:unrecognized_keys']);
  });

  it.each([
    [
      'RegisterRequest',
      RegisterRequest,
      (name: unknown) => ({ response: registration.response, name }),
    ],
    ['RenamePasskeyRequest', RenamePasskeyRequest, (name: unknown) => ({ name })],
  ] as const)('bad names on %s', (_, schema, body) => {
    expect(issuesOf(schema, body('MacBook — Touch ID 🔑'))).toEqual([]);
    expect(issuesOf(schema, body('x'.repeat(64)))).toEqual([]);
    expect(issuesOf(schema, body('x'.repeat(65)))).toEqual(['name:too_big']);
    expect(issuesOf(schema, body(''))).toEqual(['name:too_small']);
    expect(issuesOf(schema, body(42))).toEqual(['name:invalid_type']);
    for (const control of CONTROL_CHARACTERS) {
      expect(issuesOf(schema, body(`Lap${control}top`)), JSON.stringify(control)).toEqual([
        'name:invalid_format',
      ]);
    }
  });

  it('control characters in a display name, and one over 128 characters', () => {
    expect(issuesOf(RegisterOptionsRequest, { displayName: 'Alice Liddell' })).toEqual([]);
    expect(issuesOf(RegisterOptionsRequest, { displayName: 'a'.repeat(128) })).toEqual([]);
    expect(issuesOf(RegisterOptionsRequest, { displayName: 'a'.repeat(129) })).toEqual([
      'displayName:too_big',
    ]);
    for (const control of CONTROL_CHARACTERS) {
      expect(issuesOf(RegisterOptionsRequest, { displayName: `Al${control}ice` })).toEqual([
        'displayName:invalid_format',
      ]);
    }
  });

  it.each(BAD_EMAILS)('the email %j', (email) => {
    expect(issuesOf(RegisterOptionsRequest, { email })).toEqual(['email:invalid_format']);
    expect(issuesOf(AuthOptionsRequest, { email })).toEqual(['email:invalid_format']);
  });

  it('an email one past 254 characters', () => {
    const tooLong = `a${LONGEST_EMAIL}`;
    expect(tooLong).toHaveLength(255);
    expect(issuesOf(AuthOptionsRequest, { email: tooLong })).toEqual(['email:too_big']);
  });

  it('accepts good emails, the longest one too', () => {
    expect(LONGEST_EMAIL).toHaveLength(254);
    for (const email of [
      'alice@example.com',
      'Alice.Liddell+passkeys@mail.example.co.uk',
      LONGEST_EMAIL,
    ]) {
      expect(issuesOf(AuthOptionsRequest, { email }), email).toEqual([]);
    }
    expect(issuesOf(AuthOptionsRequest, { email: 42 })).toEqual(['email:invalid_type']);
  });
});
