import { fileURLToPath, pathToFileURL } from 'node:url';
import { measure } from './load.mjs';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const ORIGIN = 'http://localhost:3000';
const CONNECTION = { remoteAddress: '203.0.113.7' };

/**
 * `gate.check` in-process on the memory store: what an app pays on every
 * protected request once it has a `Request` (Hono, Bun, a worker), with no HTTP
 * in the way. One user signs up through the handler; then the same `Request`
 * (a session cookie, `GET /api/notes`) is checked over and over, one at a time
 * and eight in flight, on this process's one thread.
 *
 * @example
 * const { rows } = await gateChecks(settings, latchkey);
 */
export async function gateChecks(spec, latchkey) {
  const { createTestAuthenticator } = await import(
    pathToFileURL(`${packageDir}/dist/testing.js`).href
  );
  await latchkey.ready();
  const session = await signUpInProcess(latchkey, createTestAuthenticator({ origin: ORIGIN }));
  const gate = latchkey.gate({ loopbackBypass: false });
  const request = new Request(`${ORIGIN}/api/notes`, {
    headers: { cookie: `latchkey=${session}` },
  });
  const op = async () => {
    const t0 = performance.now();
    const decision = await gate.check(request, CONNECTION);
    const ms = performance.now() - t0;
    if (!decision.ok || decision.via !== 'session')
      throw new Error('gate.check refused the session');
    return ms;
  };
  const usage = async () => ({ cpu: process.cpuUsage(), rss: process.memoryUsage.rss() });
  const rows = [];
  for (const concurrency of spec.concurrency) {
    await measure({ op, concurrency, durationMs: spec.warmupMs, windowMs: spec.warmupMs, usage });
    const repetitions = [];
    for (let r = 0; r < spec.repetitions; r++) {
      repetitions.push(
        await measure({ op, concurrency, durationMs: spec.repMs, windowMs: spec.windowMs, usage }),
      );
    }
    rows.push({ concurrency, repetitions });
  }
  await latchkey.close();
  return { rows };
}

async function signUpInProcess(latchkey, authenticator) {
  const call = async (method, path, body, cookie) => {
    const headers = new Headers({ origin: ORIGIN, 'content-type': 'application/json' });
    if (cookie) headers.set('cookie', cookie);
    const response = await latchkey.handler(
      new Request(`${ORIGIN}${path}`, { method, headers, body: JSON.stringify(body) }),
      CONNECTION,
    );
    const json = await response.json();
    const cookies = Object.fromEntries(
      response.headers.getSetCookie().map((line) => line.split(';')[0].split('=')),
    );
    return { status: response.status, json, cookies };
  };
  const options = await call('POST', '/auth/passkeys/register-options', {
    email: 'gate@example.com',
    displayName: 'Gate',
  });
  const response = await authenticator.register(options.json.options);
  const registered = await call(
    'POST',
    '/auth/passkeys/register',
    { response },
    `latchkey-pre=${options.cookies['latchkey-pre']}`,
  );
  if (registered.status !== 201 || !registered.cookies.latchkey) {
    throw new Error(`sign-up in-process: ${registered.status} ${JSON.stringify(registered.json)}`);
  }
  return registered.cookies.latchkey;
}
