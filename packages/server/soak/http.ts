import { request } from 'node:http';

/** The origin the simulated browsers run on; the RP ID is its host, `localhost`. */
export const ORIGIN = 'http://localhost:3000';
const USER_AGENT =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

/** What came back: an HTTP answer, or no answer at all. */
export interface Answer {
  /** The HTTP status; 0 when the connection failed (`failure` says how). */
  status: number;
  /** `error.code` of an error body, else null. */
  code: string | null;
  body: any;
  /** Cookies the answer sets (a value of '' clears one). */
  cookies: Map<string, string>;
  /** `reset` (the connection dropped), `refused`, or `hang` (no answer in time). */
  failure: 'reset' | 'refused' | 'hang' | null;
  startedAt: number;
  ms: number;
}

export interface Send {
  method: string;
  path: string;
  body?: unknown;
  cookies?: Record<string, string | null | undefined>;
  bearer?: string;
  /** Where to send it: the round-robin proxy's port, or one instance's. */
  port: number;
}

/**
 * One HTTP request as a browser (or the CLI) makes it, on a connection of its
 * own (so the round-robin proxy spreads requests, not connections), with
 * `Origin` on every non-GET request, JSON in and out. Never throws: a dropped
 * connection or an answer later than `hangMs` is an `Answer` too.
 */
export function send(options: Send, hangMs: number): Promise<Answer> {
  const startedAt = performance.now();
  return new Promise((resolve) => {
    const headers: Record<string, string | number> = {
      host: 'localhost:3000',
      'user-agent': USER_AGENT,
      accept: 'application/json',
    };
    if (options.method !== 'GET') headers.origin = ORIGIN;
    const pairs = Object.entries(options.cookies ?? {}).filter(([, v]) => v);
    if (pairs.length) headers.cookie = pairs.map(([k, v]) => `${k}=${v}`).join('; ');
    if (options.bearer) headers.authorization = `Bearer ${options.bearer}`;
    const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
    if (payload !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = Buffer.byteLength(payload);
    }
    let settled = false;
    const done = (answer: Omit<Answer, 'startedAt' | 'ms'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...answer, startedAt, ms: performance.now() - startedAt });
    };
    const failed = (failure: Answer['failure']) =>
      done({ status: 0, code: null, body: null, cookies: new Map(), failure });
    const req = request(
      {
        host: '127.0.0.1',
        port: options.port,
        method: options.method,
        path: options.path,
        headers,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', () => failed('reset'));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: any = null;
          try {
            body = text ? JSON.parse(text) : null;
          } catch {
            body = { text };
          }
          done({
            status: res.statusCode ?? 0,
            code: typeof body?.error?.code === 'string' ? body.error.code : null,
            body,
            cookies: readCookies(res.headers['set-cookie']),
            failure: null,
          });
        });
      },
    );
    const timer = setTimeout(() => {
      failed('hang');
      req.destroy();
    }, hangMs);
    req.on('error', (error: NodeJS.ErrnoException) =>
      failed(error.code === 'ECONNREFUSED' ? 'refused' : 'reset'),
    );
    req.end(payload);
  });
}

function readCookies(lines: string[] = []): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const line of lines) {
    const [pair = ''] = line.split(';');
    const eq = pair.indexOf('=');
    const cleared = /;\s*Max-Age=0(;|$)/i.test(line);
    cookies.set(pair.slice(0, eq), cleared ? '' : pair.slice(eq + 1));
  }
  return cookies;
}
