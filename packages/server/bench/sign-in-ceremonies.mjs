import { batchSizeFor } from './batch-stats.mjs';
import { benchRequest, CONNECTION, expectStatus, ORIGIN, setCookies } from './bench-requests.mjs';
import { populateStore } from './populate-store.mjs';

/**
 * Signs a user up with a passkey, then measures full sign-in ceremonies through
 * the handler (`POST /auth/passkeys/auth-options`, then `POST
 * /auth/passkeys/authenticate` with the pre-session cookie). Only the two
 * handler calls are timed, not the software authenticator's signing. Right after
 * each ceremony, its assertion goes through `verifyAuthenticationResponse`
 * alone: the floor any WebAuthn server pays, measured under the same load.
 *
 * @example
 * const result = await benchSignIn({ latchkey, store, lib, settings });
 * result.batches[0].ratio // handler time / bare verification time
 */
export async function benchSignIn({ latchkey, store, lib, settings }) {
  const readyStarted = performance.now();
  await latchkey.ready();
  const readyMs = performance.now() - readyStarted;
  await populateStore(latchkey.store, settings.otherUsers);

  const authenticator = lib.createTestAuthenticator({ origin: ORIGIN });
  const userId = await signUp(latchkey, authenticator);
  const credentialId = authenticator.credentials[0].id;
  const credential = await latchkey.store.getCredential(credentialId);
  // The COSE public key as the handler stored it; counter 0 as the handler passes
  // it (it checks counter regression itself, after the signature).
  const verifyCredential = {
    id: credentialId,
    publicKey: credential.publicKey,
    counter: 0,
    transports: credential.transports,
  };

  const ceremony = async () => {
    const optionsRequest = benchRequest('POST', '/auth/passkeys/auth-options', {});
    const t0 = performance.now();
    const optionsResponse = await latchkey.handler(optionsRequest, CONNECTION);
    const optionsText = await optionsResponse.text();
    const optionsMs = performance.now() - t0;
    if (optionsResponse.status !== 200) {
      throw new Error(`auth-options: ${optionsResponse.status} ${optionsText.slice(0, 300)}`);
    }
    const pre = setCookies(optionsResponse)['latchkey-pre'];
    if (!pre) throw new Error('auth-options set no pre-session cookie');

    const assertion = await authenticator.authenticate(JSON.parse(optionsText).options);

    const authenticateRequest = benchRequest(
      'POST',
      '/auth/passkeys/authenticate',
      { response: assertion },
      { 'latchkey-pre': pre },
    );
    const t1 = performance.now();
    const answer = await latchkey.handler(authenticateRequest, CONNECTION);
    const answerText = await answer.text();
    const authenticateMs = performance.now() - t1;
    if (answer.status !== 200) {
      throw new Error(`authenticate: ${answer.status} ${answerText.slice(0, 300)}`);
    }
    const session = setCookies(answer).latchkey;
    if (JSON.parse(answerText).user?.id !== userId || !session) {
      throw new Error(`authenticate answered 200 without the user's session: ${answerText}`);
    }
    return { optionsMs, authenticateMs, assertion, session };
  };

  // Warm-up: the JIT and PGlite's WebAssembly settle; its speed sizes the batches.
  const warm = [];
  const warmStarted = performance.now();
  while (warm.length < 20 || performance.now() - warmStarted < settings.warmupMs) {
    const { optionsMs, authenticateMs } = await ceremony();
    warm.push(optionsMs + authenticateMs);
  }
  const estimate = warm.slice(warm.length >> 1).reduce((a, b) => a + b, 0) / (warm.length >> 1);
  const batchSize = batchSizeFor(settings.batchMs, estimate, { min: 20, max: 5000 });

  const batches = [];
  let lastSession = '';
  for (let b = 0; b < settings.batches; b++) {
    let optionsMs = 0;
    let authenticateMs = 0;
    let bareMs = 0;
    for (let i = 0; i < batchSize; i++) {
      const result = await ceremony();
      optionsMs += result.optionsMs;
      authenticateMs += result.authenticateMs;
      // Verified alone right after its ceremony, so both see the same machine load.
      bareMs += await bareVerification(
        lib.verifyAuthenticationResponse,
        result.assertion,
        verifyCredential,
      );
      lastSession = result.session;
    }
    const handlerMs = (optionsMs + authenticateMs) / batchSize;
    batches.push({
      handlerMs,
      optionsMs: optionsMs / batchSize,
      authenticateMs: authenticateMs / batchSize,
      bareMs: bareMs / batchSize,
      ratio: (optionsMs + authenticateMs) / bareMs,
    });
  }

  // A short profiling pass, after the measured batches: every store call timed.
  store.profiling = true;
  const profile = { options: [], authenticate: [] };
  const rounds = Math.max(10, batchSize >> 2);
  for (let i = 0; i < rounds; i++) {
    store.take();
    const optionsRequest = benchRequest('POST', '/auth/passkeys/auth-options', {});
    const t0 = performance.now();
    const optionsResponse = await latchkey.handler(optionsRequest, CONNECTION);
    const options = await expectStatus(optionsResponse, 200, 'auth-options');
    profile.options.push({ ms: performance.now() - t0, ...store.take() });
    const assertion = await authenticator.authenticate(options.options);
    const request = benchRequest(
      'POST',
      '/auth/passkeys/authenticate',
      { response: assertion },
      { 'latchkey-pre': setCookies(optionsResponse)['latchkey-pre'] },
    );
    store.take();
    const t1 = performance.now();
    await expectStatus(await latchkey.handler(request, CONNECTION), 200, 'authenticate');
    profile.authenticate.push({ ms: performance.now() - t1, ...store.take() });
  }
  store.profiling = false;

  return { readyMs, userId, batchSize, batches, profile, session: lastSession };
}

async function signUp(latchkey, authenticator) {
  const optionsResponse = await latchkey.handler(
    benchRequest('POST', '/auth/passkeys/register-options', {
      email: 'bench@example.com',
      displayName: 'Bench',
    }),
    CONNECTION,
  );
  const { options } = await expectStatus(optionsResponse, 200, 'register-options');
  const response = await authenticator.register(options);
  const registered = await latchkey.handler(
    benchRequest(
      'POST',
      '/auth/passkeys/register',
      { response },
      { 'latchkey-pre': setCookies(optionsResponse)['latchkey-pre'] },
    ),
    CONNECTION,
  );
  const { passkey } = await expectStatus(registered, 201, 'register');
  const { user } = await expectStatus(
    await latchkey.handler(
      benchRequest('GET', '/auth/session', undefined, {
        latchkey: setCookies(registered).latchkey,
      }),
      CONNECTION,
    ),
    200,
    'session after sign-up',
  );
  if (!user || !passkey) throw new Error('sign-up did not sign the user in');
  return user.id;
}

/**
 * `verifyAuthenticationResponse` alone on one assertion the handler accepted:
 * milliseconds. The expected challenge is read from the assertion's own
 * clientDataJSON before the clock starts.
 */
async function bareVerification(verify, assertion, credential) {
  const input = {
    response: assertion,
    expectedChallenge: challengeOf(assertion),
    expectedOrigin: ORIGIN,
    expectedRPID: 'localhost',
    credential,
    requireUserVerification: true,
  };
  const started = performance.now();
  const { verified } = await verify(input);
  const ms = performance.now() - started;
  if (!verified) throw new Error('bare verification rejected an assertion the handler accepted');
  return ms;
}

function challengeOf(assertion) {
  const json = Buffer.from(assertion.response.clientDataJSON, 'base64url').toString('utf8');
  return JSON.parse(json).challenge;
}
