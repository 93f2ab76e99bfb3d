// The OpenAPI document against the handler's real answers: every answer a journey
// through the API gets (successes and errors) must match the response schema the
// document gives for its route and status, so the document and the handler cannot drift.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestServer, ORIGIN } from '../../test/harness.js';
import type { Latchkey } from '../create-latchkey.js';

const TUNNEL = 'https://alice-box.tunnel.example';
const SCHEMA_BASE = 'https://latchkey.test/schemas/';

type JsonObject = Record<string, any>;

interface Answer {
  method: string;
  path: string;
  status: number;
  headers: Headers;
  body: string;
}

const checkedIn: JsonObject = JSON.parse(
  readFileSync(createRequire(import.meta.url).resolve('@latchkey/core/openapi.json'), 'utf8'),
);

/** A handler that keeps a copy of every answer it gives. */
function recording(latchkey: Latchkey, answers: Answer[]): Latchkey {
  return {
    ...latchkey,
    async handler(request, connection) {
      const response = await latchkey.handler(request, connection);
      const { pathname } = new URL(request.url);
      const streamed = response.headers.get('content-type')?.startsWith('text/event-stream');
      answers.push({
        method: request.method,
        path: pathname,
        status: response.status,
        headers: response.headers,
        body: streamed ? '' : await response.clone().text(),
      });
      return response;
    },
  };
}

/**
 * The document's schemas, compiled by a JSON Schema 2020-12 validator. Objects are
 * closed here (`additionalProperties: false` where the document leaves it open), so an
 * undocumented field in an answer fails too.
 */
function compile(document: JsonObject) {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats(ajv);
  ajv.addKeyword('x-latchkey-status');
  const close = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(close);
    if (!node || typeof node !== 'object') return node;
    const out: JsonObject = {};
    for (const [key, value] of Object.entries(node)) {
      out[key] =
        key === '$ref' && typeof value === 'string'
          ? value.replace('#/components/schemas/', SCHEMA_BASE)
          : close(value);
    }
    if (out.type === 'object' && out.properties && !('additionalProperties' in out))
      out.additionalProperties = false;
    return out;
  };
  for (const [name, schema] of Object.entries(document.components.schemas as JsonObject))
    ajv.addSchema(close(schema) as JsonObject, `${SCHEMA_BASE}${name}`);
  return ajv;
}

/** The operation for an answer: its path template matched against the request path. */
function operationFor(document: JsonObject, answer: Answer): { id: string; op: JsonObject } | null {
  const base = document.servers[0].url.replace(/\/$/, '');
  for (const [template, item] of Object.entries(document.paths as JsonObject)) {
    const prefix = item.servers ? '' : base;
    const pattern = new RegExp(`^${prefix}${template.replace(/\{[A-Za-z]+\}/g, '[^/]+')}$`);
    const op = item[answer.method.toLowerCase()];
    if (pattern.test(answer.path) && op) return { id: op.operationId, op };
  }
  return null;
}

/** The JSON schema the document gives for this status: exact, then `4XX` / `5XX`. */
function responseSchema(document: JsonObject, op: JsonObject | null, status: number) {
  const listed = op?.responses ?? {};
  let response = listed[String(status)] ?? listed[`${String(status)[0]}XX`];
  // An answer outside every route (a 404 for an unknown path) is still the error shape.
  if (!op && status >= 400) response = { $ref: '#/components/responses/Error' };
  if (response?.$ref) response = document.components.responses[response.$ref.split('/').pop()];
  return response as JsonObject | undefined;
}

describe('the OpenAPI document, against the handler', () => {
  const answers: Answer[] = [];
  let served: JsonObject;

  beforeAll(async () => {
    const server = createTestServer({ openapi: true, origins: [ORIGIN, TUNNEL] });
    const latchkey = recording(server.latchkey, answers);
    const browser = server.browser();
    const there = server.browser({ origin: TUNNEL });
    const anonymous = server.browser();
    for (const b of [browser, there, anonymous]) b.latchkey = latchkey;

    const expectStatus = async (
      pending: Promise<{ status: number; body: unknown }>,
      status: number,
    ): Promise<JsonObject> => {
      const res = await pending;
      expect(res.status, JSON.stringify(res.body)).toBe(status);
      return res.body as JsonObject;
    };

    served = await expectStatus(anonymous.call('GET', '/auth/openapi.json'), 200);
    await expectStatus(anonymous.call('GET', '/auth/session'), 200);
    await expectStatus(anonymous.call('GET', '/auth/passkeys'), 401);
    await expectStatus(anonymous.call('POST', '/auth/passkeys/authenticate', { response: 1 }), 400);
    await expectStatus(anonymous.call('GET', '/auth/no-such-route'), 404);

    expect((await browser.signUp({ email: 'ada@example.com', displayName: 'Ada' })).status).toBe(
      201,
    );
    await expectStatus(browser.call('GET', '/auth/session'), 200);
    await expectStatus(browser.call('GET', '/auth/sessions'), 200);
    const { passkeys } = await expectStatus(browser.call('GET', '/auth/passkeys'), 200);
    const credentialId = encodeURIComponent(passkeys[0].credentialId);
    await expectStatus(
      browser.call('PATCH', `/auth/passkeys/${credentialId}`, { name: 'Laptop' }),
      200,
    );
    await expectStatus(browser.call('DELETE', `/auth/passkeys/${credentialId}`), 403);
    expect((await browser.stepUp()).status).toBe(200);
    await expectStatus(browser.call('DELETE', `/auth/passkeys/${credentialId}`), 409);
    await expectStatus(browser.call('GET', '/auth/recovery-codes'), 200);
    await expectStatus(browser.call('POST', '/auth/recovery-codes', {}), 200);
    await expectStatus(browser.call('GET', '/auth/prf'), 200);
    await expectStatus(browser.call('GET', '/auth/audit'), 200);

    const { token } = await expectStatus(
      browser.call('POST', '/auth/tokens', { name: 'ci', scopes: ['read'] }),
      201,
    );
    const bearer = { authorization: `Bearer ${token}`, cookie: '' };
    const { tokens } = await expectStatus(
      anonymous.call('GET', '/auth/tokens', undefined, bearer),
      200,
    );
    await expectStatus(anonymous.call('POST', '/auth/jwt', { audience: 'reports' }, bearer), 200);
    await expectStatus(anonymous.call('GET', '/.well-known/jwks.json'), 200);
    await expectStatus(browser.call('DELETE', `/auth/tokens/${tokens[0].id}`), 200);
    await expectStatus(anonymous.call('GET', '/auth/tokens', undefined, bearer), 401);
    await expectStatus(anonymous.call('POST', '/auth/device/code', { clientName: 'CLI' }), 200);

    const { pairingId } = await expectStatus(there.call('POST', '/auth/pairing', {}), 201);
    await expectStatus(there.call('GET', `/auth/pairing/${pairingId}`), 200);

    const handoff = await expectStatus(
      browser.call('POST', '/auth/handoff', { audience: TUNNEL }),
      200,
    );
    await expectStatus(there.call('POST', '/auth/handoff/preview', { token: handoff.token }), 200);
    await expectStatus(there.call('POST', '/auth/handoff/exchange', { token: handoff.token }), 200);

    await expectStatus(browser.call('POST', '/auth/sign-out', {}), 200);
    expect((await browser.signIn({ email: 'ada@example.com' })).status).toBe(200);
  });

  it('is served at /auth/openapi.json as core holds it, public and cacheable', () => {
    expect(served).toEqual(checkedIn);
    const answer = answers.find((a) => a.path === '/auth/openapi.json')!;
    expect(answer.headers.get('cache-control')).toBe('public, max-age=3600');
    expect(answer.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('every answer matches the schema the document gives for its route and status', () => {
    const ajv = compile(checkedIn);
    const failures: string[] = [];
    for (const answer of answers) {
      const found = operationFor(checkedIn, answer);
      const response = responseSchema(checkedIn, found?.op ?? null, answer.status);
      const where = `${answer.method} ${answer.path} → ${answer.status}`;
      if (!response) {
        failures.push(`${where}: the document lists no such answer`);
        continue;
      }
      const media = response.content?.['application/json'];
      if (!media) continue;
      const validate = ajv.compile(
        media.schema.$ref
          ? { $ref: media.schema.$ref.replace('#/components/schemas/', SCHEMA_BASE) }
          : media.schema,
      );
      if (!validate(JSON.parse(answer.body)))
        failures.push(`${where}: ${ajv.errorsText(validate.errors)}`);
      if (answer.status === 429 || answer.status === 503)
        expect(answer.headers.get('retry-after')).toMatch(/^\d+$/);
    }
    expect(failures).toEqual([]);
  });

  it('the journey covers the routes a mobile client needs', () => {
    const exercised = new Set(
      answers.map((answer) => operationFor(checkedIn, answer)?.id).filter(Boolean),
    );
    expect([...exercised].sort()).toEqual(
      [
        'audit',
        'authOptions',
        'authenticate',
        'createToken',
        'deletePasskey',
        'deviceCode',
        'exchangeHandoff',
        'getSession',
        'handoff',
        'issueJwt',
        'jwks',
        'listPasskeys',
        'listSessions',
        'listTokens',
        'openapi',
        'pairingStatus',
        'prfKeys',
        'previewHandoff',
        'recoveryCodesStatus',
        'regenerateRecoveryCodes',
        'register',
        'registerOptions',
        'renamePasskey',
        'revokeToken',
        'signOut',
        'startPairing',
        'verify',
        'verifyOptions',
      ].sort(),
    );
    // Errors too: each named in the registry the document's ErrorCode lists.
    const codes = answers
      .filter((answer) => answer.status >= 400)
      .map((answer) => JSON.parse(answer.body).error.code);
    expect(codes).toEqual(
      expect.arrayContaining([
        'UNAUTHENTICATED',
        'INVALID_BODY',
        'ROUTE_NOT_FOUND',
        'STEP_UP_REQUIRED',
        'LAST_CREDENTIAL',
        'INVALID_TOKEN',
      ]),
    );
  });
});

describe('openapi config', () => {
  it('is off by default: the route answers 404 ROUTE_NOT_FOUND', async () => {
    const res = await createTestServer().browser().call('GET', '/auth/openapi.json');
    expect([res.status, res.body.error.code]).toEqual([404, 'ROUTE_NOT_FOUND']);
  });

  it('names the configured base path as the server', async () => {
    const server = createTestServer({ openapi: true, basePath: '/api/auth' });
    const res = await server.browser().call('GET', '/api/auth/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.servers).toEqual([{ ...checkedIn.servers[0], url: '/api/auth' }]);
    expect(res.body.paths).toEqual(checkedIn.paths);
  });

  it('serves a document passed in (how an edge bundle carries it)', async () => {
    const server = createTestServer({ openapi: checkedIn as never });
    const res = await server.browser().call('GET', '/auth/openapi.json');
    expect([res.status, res.body]).toEqual([200, checkedIn]);
  });

  it('is true, false or the document', () => {
    for (const openapi of ['yes', { openapi: '2.0' }]) {
      expect(() => createTestServer({ openapi: openapi as never })).toThrow(
        'createLatchkey: config.openapi must be true, false or the document of @latchkey/core/openapi.json',
      );
    }
  });
});
