// Device descriptions and passkey provider names: labels for people, never security inputs.

export { defaultPasskeyName, describeUserAgent } from './describe-user-agent.js';
export type { PasskeyProvider } from './passkey-providers.js';
export { passkeyProvider, passkeyProviderName } from './passkey-providers.js';
