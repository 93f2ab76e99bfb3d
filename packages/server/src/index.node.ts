// @latchkey/server on Node, Bun and Deno (the `node` export condition): the main
// entry point, whose `createLatchkey` falls back to the embedded PGlite store when
// no `store` is given. Every other runtime gets `index.ts`, which imports Web APIs
// only and asks for a store. Everything else is index.ts's surface, listed there;
// the local `createLatchkey` takes precedence over the one `export *` brings.

export { createLatchkey } from './create-latchkey-node.js';
export * from './index.js';
