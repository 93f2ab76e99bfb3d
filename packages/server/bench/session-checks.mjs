import { batchSizeFor } from './batch-stats.mjs';
import { benchRequest, CONNECTION } from './bench-requests.mjs';

/**
 * The least a "who is this?" endpoint can do: read the cookie header, answer
 * JSON. No store, no hashing. It is the floor `GET /auth/session` is compared with.
 *
 * @example
 * await minimalSessionHandler(new Request('http://x/', { headers: { cookie: 'latchkey=abc' } }));
 */
export async function minimalSessionHandler(request) {
  let value = null;
  for (const part of (request.headers.get('cookie') ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (part.slice(0, eq).trim() === 'latchkey') value = part.slice(eq + 1).trim();
  }
  return Response.json({ user: null, session: value === null ? null : { id: value.slice(0, 8) } });
}

/**
 * Measures `GET /auth/session` with a valid session cookie through the handler,
 * one request at a time, in batches interleaved with the minimal handler so both
 * see the same machine load. Requests are built before a batch is timed; the
 * time covers the handler call and reading the answer's body.
 *
 * @example
 * const result = await benchSessionChecks({ latchkey, store, session, userId, settings });
 * result.batches[0].ratio // Latchkey time per check / minimal handler time per check
 */
export async function benchSessionChecks({ latchkey, store, session, userId, settings }) {
  const handlers = {
    latchkey: (request) => latchkey.handler(request, CONNECTION),
    minimal: (request) => minimalSessionHandler(request),
  };
  // The handler's answer names the user; the minimal one echoes the cookie's start.
  const expected = { latchkey: `"id":"${userId}"`, minimal: `"id":"${session.slice(0, 8)}"` };

  const runBatch = async (which, size) => {
    const requests = Array.from({ length: size }, () =>
      benchRequest('GET', '/auth/session', undefined, { latchkey: session }),
    );
    const answers = new Array(size);
    const handler = handlers[which];
    const started = performance.now();
    for (let i = 0; i < size; i++) {
      const response = await handler(requests[i]);
      answers[i] = response.status === 200 ? await response.text() : `status ${response.status}`;
    }
    const ms = (performance.now() - started) / size;
    // Checked after the clock stops: a signed-out answer would be fast and wrong.
    for (const answer of answers) {
      if (!answer.includes(expected[which])) {
        throw new Error(`GET /auth/session (${which}) did not see the session: ${answer}`);
      }
    }
    return ms;
  };

  const sizes = {};
  for (const which of ['latchkey', 'minimal']) {
    const warmStarted = performance.now();
    let estimate = await runBatch(which, 50);
    while (performance.now() - warmStarted < settings.warmupMs / 2) {
      estimate = await runBatch(which, batchSizeFor(100, estimate, { max: 20_000 }));
    }
    sizes[which] = batchSizeFor(settings.batchMs, estimate, { min: 100, max: 200_000 });
  }

  // Each batch alternates short runs of the two handlers, so a burst of other
  // work on the machine lands on both rather than on one batch of one.
  const rounds = 10;
  const batches = [];
  for (let b = 0; b < settings.batches; b++) {
    let latchkeyMs = 0;
    let minimalMs = 0;
    for (let r = 0; r < rounds; r++) {
      latchkeyMs += await runBatch('latchkey', Math.ceil(sizes.latchkey / rounds));
      minimalMs += await runBatch('minimal', Math.ceil(sizes.minimal / rounds));
    }
    batches.push({
      latchkeyMs: latchkeyMs / rounds,
      minimalMs: minimalMs / rounds,
      ratio: latchkeyMs / minimalMs,
    });
  }

  store.profiling = true;
  const profile = [];
  for (let i = 0; i < Math.max(50, sizes.latchkey >> 3); i++) {
    const request = benchRequest('GET', '/auth/session', undefined, { latchkey: session });
    store.take();
    const started = performance.now();
    const response = await latchkey.handler(request, CONNECTION);
    await response.text();
    profile.push({ ms: performance.now() - started, ...store.take() });
  }
  store.profiling = false;

  return { sizes, batches, profile };
}
