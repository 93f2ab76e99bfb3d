// @latchkey/server/testing: tools for testing an integration without a browser.

// The software authenticator.
export type {
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

// The store conformance suite (added by the stores work) goes in its own block below.
