import type { IncomingMessage, ServerResponse } from 'node:http';
import { LatchkeyError } from '@latchkey/core';

/** Seconds a client waits before asking again while the store opens. */
export const STARTING_RETRY_AFTER = 1;

/** Paths the Hono app answers itself; everything else is the web app. */
export const SERVER_PATHS = /^\/(?:auth|api|\.well-known)(?:[/?]|$)/;

/**
 * The page a browser gets while the store opens. It reloads itself after Retry-After
 * (a meta refresh needs no script); the status line is announced by screen readers.
 */
export const STARTING_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="${STARTING_RETRY_AFTER}">
<title>Starting… · Latchkey demo</title>
<style>body{font:1rem/1.5 system-ui,sans-serif;margin:4rem auto;max-width:32rem;padding:0 1rem}</style>
</head>
<body>
<main>
<h1>Latchkey demo</h1>
<p role="status">Starting… the database is opening. This page reloads by itself.</p>
</main>
</body>
</html>
`;

/**
 * The answer while the store opens (a fresh PGlite folder takes seconds): `503` with
 * `Retry-After` at once instead of a stalled request. API paths get Latchkey's JSON
 * error (`STORE_UNAVAILABLE`, from core's registry); page loads get a small page that
 * says so and reloads itself.
 *
 * @example
 * const server = createServer((req, res) => (ready ? app(req, res) : answerWhileStarting(req, res)));
 */
export function answerWhileStarting(req: IncomingMessage, res: ServerResponse): void {
  const api = SERVER_PATHS.test(req.url ?? '/');
  const error = new LatchkeyError(
    'STORE_UNAVAILABLE',
    'The demo is starting; try again in a moment',
  );
  const body = api ? JSON.stringify(error.toJSON()) : STARTING_PAGE;
  res.writeHead(error.status, {
    'content-type': api ? 'application/json; charset=utf-8' : 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'retry-after': String(STARTING_RETRY_AFTER),
    // PGlite's first open blocks the event loop for seconds at a time, so a kept-alive
    // socket can be timed out by the server just as a client reuses it; the retry opens a new one.
    connection: 'close',
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}
