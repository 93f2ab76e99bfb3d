// @latchkey/server/testing: tools for testing an integration without a browser.

export type { TestAttestationCa } from './test-attestation-ca.js';
export { createTestAttestationCa } from './test-attestation-ca.js';
// The software authenticator.
export type {
  TestAttestation,
  TestAuthenticateOverrides,
  TestAuthenticationResponse,
  TestAuthenticator,
  TestAuthenticatorOptions,
  TestCeremonyOverrides,
  TestCounterMode,
  TestCredentialInfo,
  TestRegisterOverrides,
  TestRegistrationResponse,
} from './test-authenticator.js';
export { createTestAuthenticator } from './test-authenticator.js';

// The store conformance suite is its own entry, `@latchkey/server/conformance`,
// so that importing the authenticator does not pull vitest in.
