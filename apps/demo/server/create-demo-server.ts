import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getRequestListener } from '@hono/node-server';
import { serveStatic } from '@hono/node-server/serve-static';
import {
  createLatchkey,
  type Latchkey,
  type LatchkeyConfig,
  StoreUnavailableError,
} from '@latchkey/server';
import { latchkeyHono } from '@latchkey/server/hono';
import { Hono } from 'hono';
import type { ViteDevServer } from 'vite';
import { mustAddPasskey, SESSION_KINDS } from '../shared/session-kinds.js';
import { type DemoMail, demoMail } from './demo-mail.js';
import { demoOrigins } from './demo-origins.js';
import { demoStore } from './demo-store.js';
import { answerWhileStarting, SERVER_PATHS } from './starting-answer.js';

export interface DemoServerOptions {
  /** The port to listen on; `0` picks a free one (the answer's `url` says which). */
  port: number;
  /** The interface to listen on. Default `localhost`. */
  host?: string;
  /** The embedded PGlite folder (used unless `databaseUrl` is set). */
  dataDir: string;
  /** PostgreSQL for users, passkeys and sessions instead of PGlite. */
  databaseUrl?: string | undefined;
  /** Redis for challenges, rate limits and pairing. */
  redisUrl?: string | undefined;
  /** The PostgreSQL schema (default `latchkey`) and the Redis key prefix (default `latchkey:`). */
  databaseSchema?: string | undefined;
  redisPrefix?: string | undefined;
  /** Origins allowed besides `http://localhost:PORT` and `http://127.0.0.1:PORT`. */
  origins?: readonly string[];
  /**
   * A second port, on 127.0.0.1, serving the same app and the same Latchkey: another
   * origin (with its own cookies) to hand a session off to. `0` picks a free one.
   */
  handoffPort?: number | undefined;
  /** Where the built web app is. Default: `apps/demo/dist`. */
  distDir?: string;
  /** Serve the web app from Vite's dev server (hot reload) instead of `dist/`. */
  dev?: boolean;
  /** Rate limits; Latchkey's defaults (30 public POSTs per IP and route a minute) when unset. */
  rateLimit?: LatchkeyConfig['rateLimit'];
  /** Locked sessions: how long a device-key proof lasts (`maxAge`, seconds; default 120). */
  pop?: LatchkeyConfig['pop'];
  /** Where server-side errors are logged. Default `console.error`. */
  logger?: (message: string, error: unknown) => void;
  /** Send mail through this SMTP server (`smtps://user:pass@host:465`) instead of the in-memory mailbox. */
  smtpUrl?: string | undefined;
  /**
   * Production: no development mailbox (`/dev/mailbox` and `GET /api/dev/mailbox`); without
   * `smtpUrl`, mail is only logged. Default false.
   */
  production?: boolean | undefined;
  /** Latchkey's clock, in milliseconds (default `Date.now`): tests move it forward. */
  now?: LatchkeyConfig['now'];
  /**
   * Called once the sockets listen, before the store is open. Until it is, every
   * request gets `503` with `Retry-After` at once (a "starting…" page for page loads).
   */
  onListening?: (url: string) => void;
}

export interface DemoServer {
  /** `http://localhost:PORT`: open it in a browser. */
  readonly url: string;
  readonly port: number;
  /** `http://127.0.0.1:HANDOFF_PORT` when `handoffPort` was given, else null. */
  readonly handoffUrl: string | null;
  /** Every origin the server accepts ceremonies from. */
  readonly origins: readonly string[];
  readonly latchkey: Latchkey;
  /** Stops listening, ends open connections and closes the store. */
  close(): Promise<void>;
}

const DEFAULT_DIST = fileURLToPath(new URL('../dist/', import.meta.url));
const VITE_CONFIG = fileURLToPath(new URL('../vite.config.ts', import.meta.url));

/**
 * Starts the demo: Latchkey mounted at `/auth`, a protected `/api/me`, and the web
 * app (built `dist/` with an `index.html` fallback for client-side routes, or Vite
 * in `dev` mode). It resolves once the store is open and migrated; until then every
 * request is answered `503` with `Retry-After` (see `answerWhileStarting`). With
 * `handoffPort`, the same app also answers on `http://127.0.0.1:HANDOFF_PORT`, a
 * second origin to demonstrate handing a session off to.
 *
 * @example
 * const demo = await createDemoServer({ port: 0, dataDir: await mkdtemp(join(tmpdir(), 'lk-')) });
 * console.log(`open ${demo.url}`);
 * await demo.close();
 *
 * @example
 * const demo = await createDemoServer({ port: 3000, handoffPort: 3001, dataDir: './.latchkey-data' });
 * demo.handoffUrl; // 'http://127.0.0.1:3001'
 */
export async function createDemoServer(options: DemoServerOptions): Promise<DemoServer> {
  const host = options.host ?? 'localhost';
  const distDir = options.distDir ?? DEFAULT_DIST;
  let listener: ((req: IncomingMessage, res: ServerResponse) => void) | null = null;
  const answer = (req: IncomingMessage, res: ServerResponse) => {
    if (listener) listener(req, res);
    else answerWhileStarting(req, res);
  };
  const server = createServer(answer);
  await listen(server, options.port, host);
  // The handoff listener is another origin of the same app: 127.0.0.1 and localhost are
  // different hosts, so each keeps its own session cookie (RFC 6265 §8.5: cookies ignore ports).
  let handoffServer: ReturnType<typeof createServer> | null = null;
  if (options.handoffPort !== undefined) {
    handoffServer = createServer(answer);
    try {
      await listen(handoffServer, options.handoffPort, '127.0.0.1');
    } catch (error) {
      await stop(server);
      throw error;
    }
  }

  // The origins name the ports, so they are known only once the sockets are bound.
  const { port } = server.address() as AddressInfo;
  const handoffPort = handoffServer ? (handoffServer.address() as AddressInfo).port : null;
  const handoffUrl = handoffPort === null ? null : `http://127.0.0.1:${handoffPort}`;
  const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  const url = `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${port}`;
  const origins = demoOrigins({
    port,
    host,
    extra: [...(handoffUrl ? [handoffUrl] : []), ...(options.origins ?? [])],
  });
  // Where a signed-in page may hand its session off to: every origin but the main listener's
  // other loopback name, which may not be bound at all (`localhost` can resolve to ::1 only).
  const handoffTargets = origins.filter(
    (origin) =>
      origin === url ||
      (origin !== `http://localhost:${port}` && origin !== `http://127.0.0.1:${port}`),
  );
  options.onListening?.(url);
  const logger =
    options.logger ?? ((message: string, error: unknown) => console.error(message, error));
  let mail: DemoMail;
  try {
    mail = await demoMail(options);
  } catch (error) {
    // A bad SMTP_URL: nothing else was opened yet but the sockets.
    await stop(server);
    if (handoffServer) await stop(handoffServer);
    throw error;
  }
  const latchkey = createLatchkey({
    rpName: 'Latchkey demo',
    origins: [...origins],
    store: demoStore(options),
    // Sign-in by email link when no passkey is at hand; the link opens the web app's `/email-link`.
    // A password is a fallback an account may set and switch on (`/account`).
    email: {
      from: 'Latchkey demo <no-reply@latchkey.localhost>',
      transport: mail.transport,
      linkUrl: '/email-link',
    },
    fallbacks: { magicLink: true, password: true },
    ...(options.rateLimit === undefined ? {} : { rateLimit: options.rateLimit }),
    ...(options.pop === undefined ? {} : { pop: options.pop }),
    ...(options.now === undefined ? {} : { now: options.now }),
    logger,
  });

  let vite: ViteDevServer | null = null;
  try {
    if (options.dev) {
      const { createServer: createViteServer } = await import('vite');
      vite = await createViteServer({
        configFile: VITE_CONFIG,
        appType: 'spa',
        server: { middlewareMode: true, hmr: { server } },
      });
    }
    const app = demoApp({
      latchkey,
      distDir,
      serveFiles: !vite,
      logger,
      handoffTargets,
      mailbox: mail.mailbox,
    });
    const honoListener = getRequestListener(app.fetch);
    const devServer = vite;
    // Fail here, not at the first request, when the database cannot be opened.
    await latchkey.ready();
    // Only now: before, a request would stall until the store opened (seconds on a fresh folder).
    listener = (req, res) => {
      if (devServer && !SERVER_PATHS.test(req.url ?? '/')) {
        devServer.middlewares(req, res, () => void honoListener(req, res));
      } else {
        void honoListener(req, res);
      }
    };
  } catch (error) {
    await stop(server);
    if (handoffServer) await stop(handoffServer);
    await vite?.close();
    await latchkey.close().catch(() => {});
    throw error;
  }

  let closing: Promise<void> | null = null;
  return {
    url,
    port,
    handoffUrl,
    origins,
    latchkey,
    close() {
      closing ??= (async () => {
        await Promise.all([stop(server), handoffServer && stop(handoffServer)]);
        await vite?.close();
        await latchkey.close();
      })();
      return closing;
    },
  };
}

function listen(server: ReturnType<typeof createServer>, port: number, host: string) {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function stop(server: ReturnType<typeof createServer>): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    // Browsers keep connections alive; without this, close() waits for them to idle out.
    server.closeAllConnections();
  });
}

interface DemoAppParts {
  latchkey: Latchkey;
  distDir: string;
  serveFiles: boolean;
  logger: (message: string, error: unknown) => void;
  /** The origins `GET /api/handoff-targets` offers (the page leaves out its own). */
  handoffTargets: readonly string[];
  /** The development mailbox, or null (production, or real SMTP). */
  mailbox: DemoMail['mailbox'];
}

/** The Hono app: Latchkey's routes, the demo's own API and the built web app. */
function demoApp({
  latchkey,
  distDir,
  serveFiles,
  logger,
  handoffTargets,
  mailbox,
}: DemoAppParts): Hono {
  const app = new Hono();
  const auth = latchkeyHono(latchkey.handler);
  app.use('/auth/*', auth);
  app.use('/.well-known/*', auth);

  // A protected API call of the host app: who is calling, read from the session cookie.
  app.get('/api/me', async (c) => {
    c.header('cache-control', 'no-store');
    // Every kind, so a recovery, pairing or email-link session is told to enrol rather than to
    // sign in. One look: a locked session's request proof is good for one.
    const signedIn = await latchkey.api.sessions.fromRequest(c.req.raw, {
      allowKinds: SESSION_KINDS,
    });
    if (!signedIn) {
      return c.json(
        { error: { code: 'UNAUTHENTICATED', message: 'Sign in to call this API' } },
        401,
      );
    }
    // A recovery, pairing or email-link session may only add a passkey (docs/design.md, "Recovery, pairing, approvals": "must enrol a new passkey").
    if (mustAddPasskey(signedIn.session.kind)) {
      return c.json(
        { error: { code: 'ENROLMENT_REQUIRED', message: 'Add a passkey on this device first' } },
        403,
      );
    }
    return c.json({ user: signedIn.user, session: signedIn.session });
  });

  // Where the handoff page may open this account: the demo's other origins (docs/design.md, "Tokens for scripts, agents and other origins").
  app.get('/api/handoff-targets', async (c) => {
    c.header('cache-control', 'no-store');
    const signedIn = await latchkey.api.sessions.fromRequest(c.req.raw);
    if (!signedIn) {
      return c.json(
        { error: { code: 'UNAUTHENTICATED', message: 'Sign in to hand your session off' } },
        401,
      );
    }
    return c.json({ origins: handoffTargets });
  });

  // The development mailbox: what the demo "sent", links included. Never in production, where
  // it would hand anyone a sign-in link to any account.
  if (mailbox) {
    app.get('/api/dev/mailbox', (c) => {
      c.header('cache-control', 'no-store');
      return c.json({ messages: mailbox() });
    });
  }

  if (serveFiles) {
    const indexHtml = join(distDir, 'index.html');
    app.use(
      '/assets/*',
      serveStatic({
        root: distDir,
        // Vite puts a content hash in every asset name, so they never change.
        onFound: (_path, c) => c.header('cache-control', 'public, max-age=31536000, immutable'),
      }),
    );
    app.use('*', serveStatic({ root: distDir }));
    // Client-side routes (`/account`, `/pair`, …) all load the app; a missing file stays a 404.
    app.get('*', async (c, next) => {
      const lastSegment = c.req.path.split('/').pop() ?? '';
      if (SERVER_PATHS.test(c.req.path) || lastSegment.includes('.')) return next();
      if (!existsSync(indexHtml)) {
        return c.text(
          'The web app is not built yet: run `npm run build --workspace @latchkey/demo`.',
          503,
        );
      }
      c.header('cache-control', 'no-cache');
      return serveStatic({ path: indexHtml })(c, next);
    });
  }

  // API clients get Latchkey's JSON error shape; a browser asking for a missing file, plain text.
  app.notFound((c) =>
    SERVER_PATHS.test(c.req.path)
      ? c.json(
          { error: { code: 'ROUTE_NOT_FOUND', message: `No route ${c.req.method} ${c.req.path}` } },
          404,
        )
      : c.text('Not found', 404),
  );
  app.onError((error, c) => {
    if (error instanceof StoreUnavailableError) {
      logger('store unavailable', error);
      return c.json(
        { error: { code: 'STORE_UNAVAILABLE', message: 'Try again in a moment' } },
        503,
      );
    }
    logger('unexpected error', error);
    return c.json(
      { error: { code: 'INTERNAL_ERROR', message: 'Something went wrong on our side' } },
      500,
    );
  });
  return app;
}
