import type { IncomingMessage } from 'node:http';
import { LatchkeyError } from '@latchkey/core';
import { PARSED_URL } from '../http/request-url.js';

/**
 * What Express (and Connect) add to a `node:http` request: the URL before a
 * mount point stripped its prefix, and the body its parsers already read.
 */
export type NodeRequestLike = IncomingMessage & { originalUrl?: string; body?: unknown };

// A host name, an IPv4 address or a bracketed IPv6 literal, and an optional port
// (RFC 9110 §7.2, RFC 3986 §3.2.2). Nothing that could end the authority early
// (`/`, `?`, `#`, `@`, `\`) and so move part of the Host header into the path.
const HOST = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._~-]+)(?::[0-9]{1,5})?$/;

/**
 * The URL a request names: `scheme://host` from the socket and the Host header,
 * then the request target exactly as it came, never resolved against that base.
 *
 * Finding J: behind an Express mount (`app.use('/api', …)`) `req.url` has lost the
 * `/api` prefix, so the gate would judge `/api/auth/x` as the public `/auth/x`;
 * `req.originalUrl` keeps it. And `new URL('//evil/auth/x', base)` reads `evil` as
 * a host and `/auth/x` as the path, so the target is appended to the origin, not
 * resolved. Targets the app's router and the WHATWG URL parser would read
 * differently (dot segments, `%2e`, backslashes, a fragment, or anything but
 * origin-form, RFC 9112 §3.2.1) are refused: the gate must judge the path the
 * app routes on. Browsers never send them.
 */
export function requestUrl(req: NodeRequestLike): string {
  const host = req.headers.host ?? 'localhost';
  if (!HOST.test(host)) throw new LatchkeyError('INVALID_PARAMS', 'The Host header is malformed');
  const target = typeof req.originalUrl === 'string' ? req.originalUrl : (req.url ?? '/');
  if (!isPlainOriginForm(target)) {
    throw new LatchkeyError('INVALID_PARAMS', 'The request path is malformed');
  }
  const secure = (req.socket as { encrypted?: boolean } | null)?.encrypted === true;
  return `${secure ? 'https' : 'http'}://${host}${target}`;
}

function isPlainOriginForm(target: string): boolean {
  if (target.charCodeAt(0) !== 47 /* / */ || target.includes('#') || target.includes('\\')) {
    return false;
  }
  const query = target.indexOf('?');
  const path = query === -1 ? target : target.slice(0, query);
  // WHATWG URL §4.4 (path state) removes `.` and `..` segments, `%2e` included.
  for (const segment of path.split('/')) {
    const decoded = segment.replace(/%2e/gi, '.');
    if (decoded === '.' || decoded === '..') return false;
  }
  return true;
}

const lazy = Symbol('latchkey.lazyRequest');

interface LazyState {
  incoming: NodeRequestLike;
  withBody: boolean;
  method: string;
  url: URL;
  href?: string;
  headers?: Headers;
  body?: ReadableStream<Uint8Array> | null;
  real?: Request;
}

type LightRequest = Request & { [lazy]: LazyState };

/**
 * A `Request` over a `node:http` request that builds only what is read. The
 * handler reads the method, the URL, a few headers and maybe the body; those come
 * straight from the `IncomingMessage`. Anything else (`clone()`, `signal`,
 * `formData()`…) makes a full `Request` once and answers from it. Its prototype
 * chain includes `Request.prototype`, so `instanceof Request` holds.
 */
function lightRequest(req: NodeRequestLike, withBody: boolean): Request {
  const request = Object.create(lightPrototype()) as LightRequest;
  const state: LazyState = {
    incoming: req,
    withBody,
    method: req.method ?? 'GET',
    url: new URL(requestUrl(req)),
  };
  request[lazy] = state;
  return request;
}

let prototype: object | undefined;

function lightPrototype(): object {
  if (prototype) return prototype;
  const descriptors: PropertyDescriptorMap = {
    [PARSED_URL]: {
      get(this: LightRequest) {
        return this[lazy].url;
      },
    },
    method: {
      get(this: LightRequest) {
        return this[lazy].method;
      },
      enumerable: true,
    },
    url: {
      get(this: LightRequest) {
        const state = this[lazy];
        state.href ??= state.url.href;
        return state.href;
      },
      enumerable: true,
    },
    headers: {
      get(this: LightRequest) {
        const state = this[lazy];
        state.headers ??= headersOf(state.incoming);
        return state.headers;
      },
    },
    body: {
      get(this: LightRequest) {
        const state = this[lazy];
        if (state.real) return state.real.body;
        if (state.body === undefined) state.body = state.withBody ? bodyOf(state.incoming) : null;
        return state.body;
      },
    },
  };
  // Everything else Request has, answered by a real Request made on first use.
  for (const [name, descriptor] of Object.entries(
    Object.getOwnPropertyDescriptors(Request.prototype),
  )) {
    if (name === 'constructor' || name in descriptors) continue;
    if (typeof descriptor.value === 'function') {
      descriptors[name] = {
        value(this: LightRequest, ...args: unknown[]) {
          const real = realRequest(this) as unknown as Record<string, (...a: unknown[]) => unknown>;
          return real[name]?.(...args);
        },
      };
    } else if (descriptor.get) {
      descriptors[name] = {
        get(this: LightRequest) {
          return (realRequest(this) as unknown as Record<string, unknown>)[name];
        },
      };
    }
  }
  prototype = Object.create(Request.prototype, descriptors) as object;
  return prototype;
}

function realRequest(request: LightRequest): Request {
  const state = request[lazy];
  if (!state.real) {
    const body = request.body;
    state.real = new Request(request.url, {
      method: request.method,
      headers: request.headers,
      body,
      // Node's fetch needs this for streamed request bodies.
      ...(body ? { duplex: 'half' } : {}),
    } as RequestInit);
  }
  return state.real;
}

function headersOf(req: NodeRequestLike): Headers {
  const headers = new Headers();
  // req.headers, not rawHeaders: Node joins repeated headers as RFC 9110 §5.3 says
  // (and Cookie with `; `, RFC 6265 §5.4); only Set-Cookie stays a list.
  for (const name in req.headers) {
    const value = req.headers[name];
    if (value === undefined || name.charCodeAt(0) === 58 /* : */) continue;
    if (typeof value === 'string') headers.append(name, value);
    else for (const v of value) headers.append(name, v);
  }
  return headers;
}

/**
 * The body as a byte stream. When Express's parsers already read the stream
 * (`req.body` set, the stream ended), their result is the body: bytes as they
 * were, text as UTF-8, anything else as JSON. Otherwise the socket is read on
 * demand, paused whenever 64 KiB wait unread, and left for Node to drain when
 * the reader cancels (the handler's 413).
 */
function bodyOf(req: NodeRequestLike): ReadableStream<Uint8Array> | null {
  if (req.readableEnded) {
    const parsed = req.body;
    if (parsed === undefined || parsed === null) return null;
    const bytes =
      parsed instanceof Uint8Array
        ? parsed
        : new TextEncoder().encode(typeof parsed === 'string' ? parsed : JSON.stringify(parsed));
    return new ReadableStream<Uint8Array>({
      start(controller) {
        if (bytes.byteLength) controller.enqueue(bytes);
        controller.close();
      },
    });
  }
  let done = false;
  const stop = () => {
    done = true;
    req.off('data', onData);
    req.off('end', onEnd);
    req.off('error', onError);
  };
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const onData = (chunk: Buffer) => {
    if (done) return;
    controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    if ((controller.desiredSize ?? 0) <= 0) req.pause();
  };
  const onEnd = () => {
    if (done) return;
    stop();
    controller.close();
  };
  const onError = (error: Error) => {
    if (done) return;
    stop();
    controller.error(error);
  };
  return new ReadableStream<Uint8Array>(
    {
      start(c) {
        controller = c;
        req.on('data', onData);
        req.on('end', onEnd);
        req.on('error', onError);
      },
      pull() {
        if (!done) req.resume();
      },
      cancel() {
        stop();
        // Node's server discards what is left of the body after the answer.
        req.resume();
      },
    },
    { highWaterMark: 64 * 1024, size: (chunk) => chunk.byteLength },
  );
}

/**
 * The request the adapters hand Latchkey: a `Request` that builds its headers
 * and body only when read. Only for Latchkey's own code: undici's `new
 * Request(input)` and `fetch(input)` read private state it does not have, so
 * anything handed to other code goes through `toRequest`.
 */
export function toLightRequest(req: IncomingMessage, options: { body?: boolean } = {}): Request {
  const withBody = options.body !== false && req.method !== 'GET' && req.method !== 'HEAD';
  return lightRequest(req, withBody);
}

/**
 * Turns a `node:http` request into a `Request`. The URL's origin comes from the
 * Host header and the socket (forwarded headers are the handler's concern, and
 * only with `trustProxy`); its path is Express's `req.originalUrl` when mounted,
 * appended as it came (see `requestUrl`). When Express's parsers already read the
 * body, `req.body` is the body. A malformed Host header or request target throws
 * `INVALID_PARAMS`.
 *
 * @example
 * const response = await app.fetch(toRequest(req));
 */
export function toRequest(req: IncomingMessage, options: { body?: boolean } = {}): Request {
  return realRequest(toLightRequest(req, options) as LightRequest);
}
