// Device descriptions and passkey provider names: labels for people, never security inputs.

// The User-Agent parser lives in core, shared with the React kit.
export { defaultPasskeyName, describeUserAgent } from '@latchkey/core';
export type { PasskeyProvider } from './passkey-providers.js';
export { passkeyProvider, passkeyProviderName } from './passkey-providers.js';
