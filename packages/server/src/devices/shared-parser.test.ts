import * as core from '@latchkey/core';
import { describe, expect, it } from 'vitest';
import * as server from '../index.js';

// One User-Agent parser for the server and the React kit: the server's exports are core's,
// so a session, a passkey and the kit name the same device alike.
describe("the server's User-Agent parser", () => {
  it('is core’s', () => {
    expect(server.describeUserAgent).toBe(core.describeUserAgent);
    expect(server.defaultPasskeyName).toBe(core.defaultPasskeyName);
  });
});
