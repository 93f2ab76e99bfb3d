import * as z from 'zod/mini';
import { ERROR_CODES, type ErrorCode } from '../errors/codes.js';
import { type RouteDefinition, type RouteName, routes } from '../routes.js';
import * as account from '../schemas/account.js';
import * as audit from '../schemas/audit.js';
import * as ceremonies from '../schemas/ceremonies.js';
import * as email from '../schemas/email.js';
import * as errorSchemas from '../schemas/error.js';
import * as openapi from '../schemas/openapi.js';
import * as pairing from '../schemas/pairing.js';
import * as passkey from '../schemas/passkey.js';
import * as password from '../schemas/password.js';
import * as pop from '../schemas/pop.js';
import * as prf from '../schemas/prf.js';
import * as primitives from '../schemas/primitives.js';
import * as recovery from '../schemas/recovery.js';
import * as tokens from '../schemas/tokens.js';
import * as webauthn from '../schemas/webauthn.js';

type JsonObject = { [key: string]: unknown };

/** What `buildOpenApiDocument` needs besides the route table. */
export interface OpenApiDocumentOptions {
  /** `info.version`: the version of `@latchkey/core` the document describes. */
  version: string;
}

const SCHEMA_MODULES = [
  account,
  audit,
  ceremonies,
  errorSchemas,
  openapi,
  pairing,
  passkey,
  password,
  pop,
  prf,
  primitives,
  recovery,
  email,
  tokens,
  webauthn,
];

/** Named components are the wire objects; strings and numbers stay inline where used. */
const COMPOSITE = new Set(['object', 'union', 'array', 'record', 'intersection']);

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/**
 * The OpenAPI 3.1 document of the HTTP contract, generated from the route
 * table (`routes`), core's zod schemas (JSON Schema 2020-12, the wire shape a
 * schema accepts) and the error registry. `npm run openapi -w @latchkey/core`
 * writes it to `openapi.json`; a test fails when that file is stale.
 *
 * @example
 * const doc = buildOpenApiDocument({ version: '0.1.0' });
 * doc.paths['/session'].get.operationId // 'getSession'
 */
export function buildOpenApiDocument(options: OpenApiDocumentOptions): JsonObject {
  const schemas = componentSchemas();
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [name, route] of Object.entries(routes) as [RouteName, RouteDefinition][]) {
    const path = route.path.replace(/:([A-Za-z]+)/g, '{$1}');
    // Well-known routes sit at the origin's root, outside the base path.
    paths[path] ??= route.absolute ? { servers: [{ url: '/' }] } : {};
    paths[path][route.method.toLowerCase()] = operation(name, route, schemas.names);
  }
  return {
    openapi: '3.1.1',
    info: {
      title: 'Latchkey',
      version: options.version,
      summary: 'Passkey sign-in, sessions, tokens and recovery over JSON.',
      description:
        'Generated from the route table and the zod schemas of `@latchkey/core`; do not edit by hand (`npm run openapi -w @latchkey/core`). ' +
        'Every error is `{"error":{"code","message"}}` with a code from `ErrorCode`. ' +
        'A cookie-authenticated request that changes state must carry an allowed `Origin` header (CSRF defence). ' +
        'An error answer never sets a cookie (it may only clear one).',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    servers: [
      { url: '/auth', description: 'The base path (`basePath`, default `/auth`) on your origin' },
    ],
    paths,
    components: {
      schemas: { ...schemas.json, ErrorCode: errorCodeSchema(), Error: errorSchema(schemas) },
      responses: {
        Error: {
          description: 'An error, named by its code',
          content: { 'application/json': { schema: ref('Error') } },
        },
        RateLimited: {
          description: '`RATE_LIMITED`: too many attempts from this address or on this account',
          headers: { 'Retry-After': { $ref: '#/components/headers/Retry-After' } },
          content: { 'application/json': { schema: ref('Error') } },
        },
        Unavailable: {
          description:
            '`STORE_UNAVAILABLE` (the store cannot be reached) or `REQUEST_TIMEOUT` (no answer within `requestTimeout`); nothing was half written',
          headers: { 'Retry-After': { $ref: '#/components/headers/Retry-After' } },
          content: { 'application/json': { schema: ref('Error') } },
        },
      },
      headers: {
        'Retry-After': {
          description: 'Seconds to wait before trying again (RFC 9110 §10.2.3)',
          schema: { type: 'integer', minimum: 1 },
        },
        'Latchkey-Pre-Session': {
          description:
            "A native app: the pre-session this answer handed out, to send back on the ceremony's second request",
          schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{32,128}$' },
        },
        'Latchkey-Session-Token': {
          description:
            'A native app: its new (or rotated) session token, for `Authorization: Bearer`; the one it held stops working',
          schema: { type: 'string', pattern: '^lks_[A-Za-z0-9_-]+$' },
        },
      },
      securitySchemes: {
        sessionCookie: {
          type: 'apiKey',
          in: 'cookie',
          name: 'latchkey',
          description:
            'The session cookie: `latchkey` on http, `__Host-latchkey` on https (`session.cookieName` renames it). HttpOnly, SameSite=Lax.',
        },
        nativeSession: {
          type: 'http',
          scheme: 'bearer',
          description:
            "A native app's session (`lks_…`): opened for a native request (`Latchkey-Pre-Session`, no `Origin` or `Sec-Fetch-Site`): a passkey ceremony signed by a configured `android:apk-key-hash:` origin, a recovery code, an email link, a password, a pairing the app started, or a handoff token. Revocable like any session; read only without a session cookie; a locked one signs every request (`Latchkey-Proof`).",
        },
        bearerToken: {
          type: 'http',
          scheme: 'bearer',
          description:
            'A personal or agent token (`lk_…`, `/tokens` or the device flow), on the routes that take one',
        },
        pairingCookie: {
          type: 'apiKey',
          in: 'cookie',
          name: 'latchkey-pair',
          description:
            'Held by the device that asked to pair (`POST /pairing`); named after the session cookie. A native app sends the `Latchkey-Pre-Session` it started the pairing with instead',
        },
      },
    },
  };
}

interface ComponentSchemas {
  json: Record<string, unknown>;
  names: Map<z.ZodMiniType, string>;
}

/** Every composite schema core exports, by its export name, nested ones as `$ref`s. */
function componentSchemas(): ComponentSchemas {
  const registry = z.registry<{ id: string }>();
  const names = new Map<z.ZodMiniType, string>();
  for (const module of SCHEMA_MODULES) {
    for (const [name, value] of Object.entries(module)) {
      if (!(value instanceof z.core.$ZodType) || names.has(value as z.ZodMiniType)) continue;
      if (!COMPOSITE.has(value._zod.def.type)) continue;
      names.set(value as z.ZodMiniType, name);
      registry.add(value, { id: name });
    }
  }
  const { schemas } = z.toJSONSchema(registry, {
    target: 'draft-2020-12',
    io: 'input',
    uri: (id) => `#/components/schemas/${id}`,
  });
  const json: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(schemas).sort(([a], [b]) => a.localeCompare(b))) {
    const { $schema: _dialect, $id: _id, id: _name, ...rest } = schema as JsonObject;
    json[name] = rest;
  }
  return { json, names };
}

/** What `Latchkey-Pre-Session` means on each kind of native step (`RouteDefinition.native`). */
const NATIVE_PARAMETER = {
  options:
    'A native app with no cookie jar (no `Origin` or `Sec-Fetch-Site`; a browser page sending this header is refused): `new` (or a pre-session it holds) instead of the cookie this route would set; the answer carries it in its `Latchkey-Pre-Session` header',
  finish:
    'A native app: the pre-session its options answer handed out. Only a response signed by a configured native origin (`android:apk-key-hash:…`) is accepted; the session comes back as a bearer token, never a cookie',
  session:
    'A native app (no `Origin` or `Sec-Fetch-Site`; a browser page sending this header is refused): `new` or a pre-session it holds (to open an email link or collect a pairing without confirming: the one its link request or pairing start used). The session comes back as a bearer token, never a cookie',
} as const;

function operation(name: RouteName, route: RouteDefinition, names: Map<z.ZodMiniType, string>) {
  const params = [...route.path.matchAll(/:([A-Za-z]+)/g)].map(([, param]) => ({
    name: param,
    in: 'path',
    required: true,
    schema:
      param === 'credentialId'
        ? { type: 'string', minLength: 1, maxLength: 1364, pattern: '^[A-Za-z0-9_-]+$' }
        : { type: 'string', minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9_-]+$' },
  }));
  if (route.native) {
    params.push({
      name: 'Latchkey-Pre-Session',
      in: 'header',
      required: false,
      description: NATIVE_PARAMETER[route.native],
      schema: {
        type: 'string',
        minLength: 3,
        maxLength: 128,
        pattern: '^(new|[A-Za-z0-9_-]{32,128})$',
      },
    } as never);
  }
  const schemaOf = (schema: z.ZodMiniType) => {
    const named = names.get(schema);
    if (!named) throw new Error(`routes.${name}: its schema is not a named export of schemas/`);
    return ref(named);
  };
  const success = route.stream
    ? {
        description: `Server-Sent Events; each event's data is JSON: ${names.get(route.response)}`,
        content: {
          'text/event-stream': {
            schema: { type: 'string' },
            'x-event-data': schemaOf(route.response),
          },
        },
      }
    : {
        description: 'Success',
        ...(route.native
          ? {
              headers: {
                [route.native === 'options' ? 'Latchkey-Pre-Session' : 'Latchkey-Session-Token']: {
                  $ref: `#/components/headers/${route.native === 'options' ? 'Latchkey-Pre-Session' : 'Latchkey-Session-Token'}`,
                },
              },
            }
          : {}),
        content: { 'application/json': { schema: schemaOf(route.response) } },
      };
  const rateLimited = route.auth === 'public' && route.method !== 'GET';
  return {
    operationId: name,
    'x-latchkey-auth': route.auth,
    ...(params.length ? { parameters: params } : {}),
    ...(route.request
      ? {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: schemaOf(route.request) } },
          },
        }
      : {}),
    security: security(route),
    responses: {
      [String(route.status ?? 200)]: success,
      ...(rateLimited ? { '429': { $ref: '#/components/responses/RateLimited' } } : {}),
      '4XX': { $ref: '#/components/responses/Error' },
      '503': { $ref: '#/components/responses/Unavailable' },
      '5XX': { $ref: '#/components/responses/Error' },
    },
  };
}

/** Who may call, as OpenAPI security requirements (`{}`: no credentials needed). */
function security(route: RouteDefinition): Record<string, string[]>[] {
  const session: Record<string, string[]>[] = [
    { sessionCookie: [] },
    { nativeSession: [] },
    ...(route.bearer ? [{ bearerToken: [] }] : []),
  ];
  switch (route.auth) {
    case 'public':
      return route.bearer ? [{}, ...session] : [{}];
    case 'enrol':
      // Any session, including a recovery or pairing one; nobody at all while sign-up is open.
      return [...session, {}];
    case 'pairing':
      return [{ pairingCookie: [] }];
    default:
      return session;
  }
}

/** The codes a server answers with (status 0 marks client-only outcomes). */
function errorCodeSchema() {
  const codes = (Object.keys(ERROR_CODES) as ErrorCode[]).filter((code) => ERROR_CODES[code] > 0);
  return {
    type: 'string',
    enum: codes,
    description: `Each code with its HTTP status: ${codes.map((code) => `${code} ${ERROR_CODES[code]}`).join(', ')}.`,
    'x-latchkey-status': Object.fromEntries(codes.map((code) => [code, ERROR_CODES[code]])),
  };
}

/** `ErrorResponse` with its code drawn from the registry. */
function errorSchema(schemas: ComponentSchemas) {
  const base = schemas.json.ErrorResponse as {
    properties: { error: { properties: Record<string, unknown> } };
  };
  const error = base.properties.error;
  return {
    ...base,
    properties: {
      error: { ...error, properties: { ...error.properties, code: ref('ErrorCode') } },
    },
  };
}
