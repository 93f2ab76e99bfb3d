import { describe, expect, it } from 'vitest';
import { authenticationFixtures, copy, registrationFixtures } from '../../test/fixtures.js';
import { getAt, issuesOf, setAt } from '../../test/schema-issues.js';
import {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from './webauthn.js';

// Valid base64url characters only, so a length alone decides.
const b64 = (length: number) => 'A'.repeat(length);

const many = <T>(count: number, item: T): T[] => Array<T>(count).fill(item);

describe('the captured fixtures', () => {
  it('come from both Chromium and the software authenticator', () => {
    const sources = (list: readonly { source: string }[]) =>
      [...new Set(list.map((f) => f.source))].sort();
    expect(sources(registrationFixtures)).toEqual(['chromium', 'software']);
    expect(sources(authenticationFixtures)).toEqual(['chromium', 'software']);
    expect(authenticationFixtures.length).toBeGreaterThanOrEqual(4);
  });

  describe.each(registrationFixtures.map((f) => [f.name, f] as const))('%s', (_, fixture) => {
    it('parses as RegistrationResponseJSON without losing a field', () => {
      const parsed = RegistrationResponseJSON.parse(fixture.response);
      expect(parsed).toEqual(fixture.response);
      expect(parsed.response.publicKeyAlgorithm).toBe(-7);
      expect(parsed.response.transports).toEqual(['internal']);
      expect(parsed.clientExtensionResults.credProps).toEqual({ rk: true });
    });

    it('its options parse as PublicKeyCredentialCreationOptionsJSON', () => {
      expect(PublicKeyCredentialCreationOptionsJSON.parse(fixture.options)).toEqual(
        fixture.options,
      );
    });
  });

  describe.each(authenticationFixtures.map((f) => [f.name, f] as const))('%s', (_, fixture) => {
    it('parses as AuthenticationResponseJSON without losing a field', () => {
      const parsed = AuthenticationResponseJSON.parse(fixture.response);
      expect(parsed).toEqual(fixture.response);
      expect(parsed.response.userHandle).toMatch(/^[A-Za-z0-9_-]{43}$/);
    });

    it('its options parse as PublicKeyCredentialRequestOptionsJSON', () => {
      expect(PublicKeyCredentialRequestOptionsJSON.parse(fixture.options)).toEqual(fixture.options);
    });
  });
});

const registration = registrationFixtures[0]!;
const authentication = authenticationFixtures[0]!;
const regResponse = () => copy(registration.response);
const authResponse = () => copy(authentication.response);

describe('RegistrationResponseJSON rejects', () => {
  it.each([
    ['id', 123, 'id:invalid_type'],
    ['type', 'private-key', 'type:invalid_value'],
    ['response', 'eyJ0', 'response:invalid_type'],
    ['response.transports', 'internal', 'response.transports:invalid_type'],
    ['response.transports', ['Internal'], 'response.transports.0:invalid_format'],
    ['response.publicKeyAlgorithm', '-7', 'response.publicKeyAlgorithm:invalid_type'],
    ['response.publicKeyAlgorithm', -7.5, 'response.publicKeyAlgorithm:invalid_type'],
    ['authenticatorAttachment', 'usb', 'authenticatorAttachment:invalid_value'],
    ['clientExtensionResults', null, 'clientExtensionResults:invalid_type'],
    [
      'clientExtensionResults.credProps',
      { rk: 'yes' },
      'clientExtensionResults.credProps.rk:invalid_type',
    ],
  ])('%s = %j (wrong type)', (path, value, issue) => {
    const response = regResponse();
    setAt(response, path, value);
    expect(issuesOf(RegistrationResponseJSON, response)).toContain(issue);
  });

  it.each([
    ['id', 'invalid_type'],
    ['rawId', 'invalid_type'],
    // A literal reports the value it expected.
    ['type', 'invalid_value'],
    ['response', 'invalid_type'],
    ['response.clientDataJSON', 'invalid_type'],
    ['response.attestationObject', 'invalid_type'],
    ['clientExtensionResults', 'invalid_type'],
  ])('a missing %s', (path, code) => {
    const response = regResponse();
    setAt(response, path, undefined);
    expect(issuesOf(RegistrationResponseJSON, response)).toContain(`${path}:${code}`);
  });

  it.each([
    ['id', 1364],
    ['rawId', 1364],
    ['response.clientDataJSON', 8192],
    ['response.attestationObject', 49152],
    ['response.authenticatorData', 16384],
    ['response.publicKey', 3600],
  ])('%s one past its limit of %i characters', (path, max) => {
    const atLimit = regResponse();
    setAt(atLimit, path, b64(max));
    expect(issuesOf(RegistrationResponseJSON, atLimit)).toEqual([]);
    const over = regResponse();
    setAt(over, path, b64(max + 1));
    expect(issuesOf(RegistrationResponseJSON, over)).toContain(`${path}:too_big`);
  });

  it('more than 8 transports, or a transport over 32 characters', () => {
    const many = regResponse();
    setAt(many, 'response.transports', Array(9).fill('usb'));
    expect(issuesOf(RegistrationResponseJSON, many)).toContain('response.transports:too_big');
    const long = regResponse();
    setAt(long, 'response.transports', ['a'.repeat(33)]);
    expect(issuesOf(RegistrationResponseJSON, long)).toContain('response.transports.0:too_big');
  });

  it.each([
    ['padding', (text: string) => `${text.slice(0, -2)}==`],
    ['a "+"', (text: string) => `+${text.slice(1)}`],
    ['a "/"', (text: string) => `/${text.slice(1)}`],
    ['a length of 4n+1', (text: string) => `${text}${'A'.repeat(5 - (text.length % 4 || 4))}`],
    ['a space', (text: string) => ` ${text.slice(1)}`],
    ['an empty string', () => ''],
  ])('bad base64url: %s', (_, corrupt) => {
    for (const path of ['id', 'response.clientDataJSON', 'response.attestationObject']) {
      const response = regResponse();
      const bad = corrupt(getAt(response, path) as string);
      setAt(response, path, bad);
      const issues = issuesOf(RegistrationResponseJSON, response);
      expect(issues.length, `${path} = ${JSON.stringify(bad.slice(0, 12))}…`).toBeGreaterThan(0);
      expect(issues.every((issue) => issue.startsWith(`${path}:`))).toBe(true);
    }
  });

  it('the fixture corrupted to a length of 4n+1 really is 4n+1 and otherwise valid text', () => {
    // Guards the case above: it must fail for its length, not for its characters.
    const id = registration.response.id as string;
    const padded = `${id}${'A'.repeat(5 - (id.length % 4 || 4))}`;
    expect(padded.length % 4).toBe(1);
    expect(/^[A-Za-z0-9_-]+$/.test(padded)).toBe(true);
    expect(issuesOf(RegistrationResponseJSON, { ...regResponse(), id: padded })).toEqual([
      'id:custom',
    ]);
  });

  it('an extra level of nesting', () => {
    const nested = { ...regResponse(), response: { response: registration.response.response } };
    expect(issuesOf(RegistrationResponseJSON, nested)).toContain(
      'response.clientDataJSON:invalid_type',
    );
    expect(issuesOf(RegistrationResponseJSON, { response: registration.response })).toContain(
      'id:invalid_type',
    );
  });

  it('an authentication response in its place', () => {
    expect(issuesOf(RegistrationResponseJSON, authentication.response)).toContain(
      'response.attestationObject:invalid_type',
    );
  });
});

describe('AuthenticationResponseJSON rejects', () => {
  it.each([
    ['id', null, 'id:invalid_type'],
    ['response.signature', 42, 'response.signature:invalid_type'],
    ['response.userHandle', null, 'response.userHandle:invalid_type'],
    ['type', 'public_key', 'type:invalid_value'],
  ])('%s = %j (wrong type)', (path, value, issue) => {
    const response = authResponse();
    setAt(response, path, value);
    expect(issuesOf(AuthenticationResponseJSON, response)).toContain(issue);
  });

  it.each([
    'response.clientDataJSON',
    'response.authenticatorData',
    'response.signature',
    'clientExtensionResults',
  ])('a missing %s', (path) => {
    const response = authResponse();
    setAt(response, path, undefined);
    expect(issuesOf(AuthenticationResponseJSON, response)).toContain(`${path}:invalid_type`);
  });

  it('accepts a missing userHandle (a non-discoverable credential has none)', () => {
    const response = authResponse();
    setAt(response, 'response.userHandle', undefined);
    expect(issuesOf(AuthenticationResponseJSON, response)).toEqual([]);
  });

  it.each([
    ['id', 1364],
    ['response.clientDataJSON', 8192],
    ['response.authenticatorData', 16384],
    ['response.signature', 6400],
    ['response.userHandle', 128],
  ])('%s one past its limit of %i characters', (path, max) => {
    const atLimit = authResponse();
    setAt(atLimit, path, b64(max));
    expect(issuesOf(AuthenticationResponseJSON, atLimit)).toEqual([]);
    const over = authResponse();
    setAt(over, path, b64(max + 1));
    expect(issuesOf(AuthenticationResponseJSON, over)).toContain(`${path}:too_big`);
  });

  it('takes an ML-DSA-87 signature (4,627 bytes), the largest FIPS 204 allows', () => {
    const response = authResponse();
    setAt(response, 'response.signature', Buffer.alloc(4627, 7).toString('base64url'));
    expect(issuesOf(AuthenticationResponseJSON, response)).toEqual([]);
  });

  it.each(['MEYC=', 'ME+C', 'ME/C', 'MEYCI'])('a signature of %j', (signature) => {
    const response = authResponse();
    setAt(response, 'response.signature', signature);
    expect(issuesOf(AuthenticationResponseJSON, response)).toEqual(['response.signature:custom']);
  });

  it('an extra level of nesting', () => {
    const nested = { ...authResponse(), response: { response: authentication.response.response } };
    expect(issuesOf(AuthenticationResponseJSON, nested)).toContain(
      'response.signature:invalid_type',
    );
  });
});

describe('PublicKeyCredentialCreationOptionsJSON rejects', () => {
  const options = () => copy(registration.options);

  it.each([
    ['challenge', 128],
    ['user.id', 86],
  ])('%s one past its limit of %i characters', (path, max) => {
    const atLimit = options();
    setAt(atLimit, path, b64(max));
    expect(issuesOf(PublicKeyCredentialCreationOptionsJSON, atLimit)).toEqual([]);
    const over = options();
    setAt(over, path, b64(max + 1));
    expect(issuesOf(PublicKeyCredentialCreationOptionsJSON, over)).toContain(`${path}:too_big`);
  });

  it.each([
    ['rp.name', 128],
    ['rp.id', 253],
    ['user.name', 254],
    ['user.displayName', 128],
  ])('%s one past its limit of %i characters', (path, max) => {
    const atLimit = options();
    setAt(atLimit, path, 'a'.repeat(max));
    expect(issuesOf(PublicKeyCredentialCreationOptionsJSON, atLimit)).toEqual([]);
    const over = options();
    setAt(over, path, 'a'.repeat(max + 1));
    expect(issuesOf(PublicKeyCredentialCreationOptionsJSON, over)).toContain(`${path}:too_big`);
  });

  it.each([
    ['pubKeyCredParams:too_small', 'pubKeyCredParams', []],
    ['pubKeyCredParams:too_big', 'pubKeyCredParams', many(17, { alg: -7, type: 'public-key' })],
    [
      'pubKeyCredParams.0.alg:invalid_type',
      'pubKeyCredParams',
      [{ alg: '-7', type: 'public-key' }],
    ],
    [
      'excludeCredentials:too_big',
      'excludeCredentials',
      many(257, { id: 'AAAA', type: 'public-key' }),
    ],
    ['excludeCredentials.0.id:custom', 'excludeCredentials', [{ id: 'AA=A', type: 'public-key' }]],
    [
      'authenticatorSelection.userVerification:invalid_value',
      'authenticatorSelection.userVerification',
      'always',
    ],
    ['attestation:invalid_value', 'attestation', 'full'],
    ['timeout:too_small', 'timeout', -1],
    ['user.name:invalid_format', 'user.name', 'line\nbreak'],
    ['user:invalid_type', 'user', undefined],
    ['challenge:invalid_type', 'challenge', undefined],
  ])('%s', (issue, path, value) => {
    const bad = options();
    setAt(bad, path, value);
    expect(issuesOf(PublicKeyCredentialCreationOptionsJSON, bad)).toContain(issue);
  });
});

describe('PRF extension inputs (WebAuthn L3 §10.1.4)', () => {
  it('accept `prf: {}` at registration, to learn whether the passkey can give PRF outputs', () => {
    const options = copy(registration.options);
    setAt(options, 'extensions', { credProps: true, prf: {} });
    expect(issuesOf(PublicKeyCredentialCreationOptionsJSON, options)).toEqual([]);
  });

  it('accept eval and evalByCredential, and refuse a salt that is not base64url', () => {
    const options = copy(authenticationFixtures[0]!.options);
    setAt(options, 'extensions', {
      prf: { eval: { first: b64(43) }, evalByCredential: { AAAA: { first: b64(43) } } },
    });
    expect(issuesOf(PublicKeyCredentialRequestOptionsJSON, options)).toEqual([]);
    setAt(options, 'extensions', { prf: { evalByCredential: { AAAA: { first: 'a+b' } } } });
    expect(issuesOf(PublicKeyCredentialRequestOptionsJSON, options)).toContain(
      'extensions.prf.evalByCredential.AAAA.first:custom',
    );
  });
});

describe('PublicKeyCredentialRequestOptionsJSON rejects', () => {
  const options = () =>
    copy(authenticationFixtures.find((f) => 'allowCredentials' in f.options)!.options);

  it.each([
    ['challenge:too_big', 'challenge', b64(129)],
    ['challenge:custom', 'challenge', 'AAAA='],
    ['rpId:too_big', 'rpId', 'a'.repeat(254)],
    ['allowCredentials:too_big', 'allowCredentials', many(257, { id: 'AAAA', type: 'public-key' })],
    ['allowCredentials.0.type:invalid_value', 'allowCredentials', [{ id: 'AAAA' }]],
    [
      'allowCredentials.0.transports.0:invalid_format',
      'allowCredentials',
      [{ id: 'AAAA', type: 'public-key', transports: ['USB'] }],
    ],
    ['userVerification:invalid_value', 'userVerification', 'sometimes'],
    ['hints.0:invalid_value', 'hints', ['phone']],
  ])('%s', (issue, path, value) => {
    const bad = options();
    setAt(bad, path, value);
    expect(issuesOf(PublicKeyCredentialRequestOptionsJSON, bad)).toContain(issue);
  });

  it('accepts the challenge at its limit of 128 characters', () => {
    const atLimit = options();
    setAt(atLimit, 'challenge', b64(128));
    expect(issuesOf(PublicKeyCredentialRequestOptionsJSON, atLimit)).toEqual([]);
  });
});
