import { base64urlDecode, base64urlEncode } from '@latchkey/core';

/**
 * A software stand-in for the browser's WebAuthn API, installed only at
 * `navigator.credentials` and `window.PublicKeyCredential`, for tests and
 * stories. It keeps discoverable credentials, answers `get` and `create` with
 * the shapes browsers return (ArrayBuffers, `getTransports()`…), writes real
 * `clientDataJSON` with the request's challenge, honours `AbortSignal`s, and
 * holds conditional requests until `chooseAutofill()`. It does not sign: the
 * mock server checks challenges and credential ids, not signatures.
 */

export interface FakeCredential {
  /** base64url credential id. */
  id: string;
  /** base64url WebAuthn user handle. */
  userHandle: string;
  rpId: string;
}

/** What the next prompts do: approve, cancel (NotAllowedError), or fail with a DOMException name. */
export type FakeOutcome = 'approve' | 'cancel' | 'SecurityError' | 'UnknownError';

export interface FakeWebAuthnOptions {
  /** `false`: no WebAuthn at all (no `PublicKeyCredential`, no `navigator.credentials`). */
  supported?: boolean;
  platformAuthenticator?: boolean;
  conditionalMediation?: boolean;
  /**
   * Answer `getClientCapabilities()` (WebAuthn L3 §5.1.7) with
   * `conditionalCreate` set to this; unset: no such method, as in older browsers.
   */
  conditionalCreate?: boolean;
  /** Install the Signal API methods (they record every call). */
  signals?: boolean;
  credentials?: FakeCredential[];
  outcome?: FakeOutcome;
}

export interface FakeRequest {
  kind: 'get' | 'create';
  mediation: 'modal' | 'conditional';
  /** The options the browser received, after conversion from JSON. */
  publicKey: PublicKeyCredentialRequestOptions | PublicKeyCredentialCreationOptions;
  /** How the request ended so far. */
  state: 'pending' | 'resolved' | 'rejected';
  error?: string;
}

export interface FakeWebAuthn {
  readonly credentials: FakeCredential[];
  readonly requests: FakeRequest[];
  readonly signals: Array<{ name: string; options: Record<string, unknown> }>;
  outcome: FakeOutcome;
  /** Modal prompts wait until `resume()` (to observe a pending ceremony). */
  pause(): void;
  resume(): void;
  /** True while a conditional request waits behind autofill. */
  readonly conditionalPending: boolean;
  /** The user picks a passkey from autofill: the pending conditional request resolves. */
  chooseAutofill(credentialId?: string): void;
  uninstall(): void;
}

const encoder = new TextEncoder();

function buffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.slice().buffer as ArrayBuffer;
}

function b64(source: BufferSource): string {
  return base64urlEncode(
    // isView, not instanceof: buffers may come from another realm (an iframe, jsdom).
    ArrayBuffer.isView(source)
      ? new Uint8Array(source.buffer, source.byteOffset, source.byteLength)
      : new Uint8Array(source),
  );
}

function abortError(signal: AbortSignal | null | undefined): unknown {
  return signal?.reason ?? new DOMException('The operation was aborted.', 'AbortError');
}

/**
 * Installs the fake. Call `uninstall()` (tests: in `afterEach`) to restore the
 * previous globals.
 *
 * @example
 * const webauthn = installFakeWebAuthn({ credentials: server.authenticatorCredentials() });
 * webauthn.outcome = 'cancel';
 */
export function installFakeWebAuthn(options: FakeWebAuthnOptions = {}): FakeWebAuthn {
  const g = globalThis as unknown as Record<string, unknown>;
  const nav = globalThis.navigator as unknown as Record<string, unknown>;
  const previous = {
    pkc: Object.getOwnPropertyDescriptor(g, 'PublicKeyCredential'),
    credentials: Object.getOwnPropertyDescriptor(nav, 'credentials'),
  };
  const credentials = [...(options.credentials ?? [])];
  const requests: FakeRequest[] = [];
  const signals: FakeWebAuthn['signals'] = [];
  let paused = false;
  let waiting: Array<() => void> = [];
  let conditional: { resolve: (id?: string) => void } | null = null;
  let created = 0;

  const origin = globalThis.location?.origin ?? 'http://localhost';
  const hostname = globalThis.location?.hostname ?? 'localhost';

  const fake: FakeWebAuthn = {
    credentials,
    requests,
    signals,
    outcome: options.outcome ?? 'approve',
    pause() {
      paused = true;
    },
    resume() {
      paused = false;
      const run = waiting;
      waiting = [];
      for (const go of run) go();
    },
    get conditionalPending() {
      return conditional !== null;
    },
    chooseAutofill(credentialId) {
      if (!conditional) throw new Error('No conditional request is pending');
      conditional.resolve(credentialId);
    },
    uninstall() {
      restore(g, 'PublicKeyCredential', previous.pkc);
      restore(nav, 'credentials', previous.credentials);
    },
  };

  if (options.supported === false) {
    delete g.PublicKeyCredential;
    Object.defineProperty(nav, 'credentials', { value: undefined, configurable: true });
    return fake;
  }

  // A function, not a class of statics: feature detection checks `typeof PublicKeyCredential`.
  const FakePublicKeyCredential = Object.assign(function publicKeyCredential() {}, {
    isUserVerifyingPlatformAuthenticatorAvailable: () =>
      Promise.resolve(options.platformAuthenticator ?? true),
    isConditionalMediationAvailable: () => Promise.resolve(options.conditionalMediation ?? true),
    ...(options.conditionalCreate === undefined
      ? {}
      : {
          getClientCapabilities: () =>
            Promise.resolve({ conditionalCreate: options.conditionalCreate }),
        }),
  });
  if (options.signals) {
    for (const name of [
      'signalUnknownCredential',
      'signalAllAcceptedCredentials',
      'signalCurrentUserDetails',
    ]) {
      (FakePublicKeyCredential as unknown as Record<string, unknown>)[name] = (
        o: Record<string, unknown>,
      ) => {
        signals.push({ name, options: o });
        return Promise.resolve();
      };
    }
  }

  function settle<T>(
    request: FakeRequest,
    signal: AbortSignal | null | undefined,
    work: () => T,
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const fail = (error: unknown) => {
        request.state = 'rejected';
        request.error = (error as Error).name;
        reject(error);
      };
      if (signal?.aborted) return fail(abortError(signal));
      signal?.addEventListener('abort', () => fail(abortError(signal)), { once: true });
      const answer = () => {
        if (signal?.aborted || request.state !== 'pending') return;
        if (fake.outcome === 'cancel') {
          return fail(
            new DOMException(
              'The operation either timed out or was not allowed.',
              'NotAllowedError',
            ),
          );
        }
        if (fake.outcome !== 'approve')
          return fail(new DOMException('The fake authenticator failed.', fake.outcome));
        try {
          const value = work();
          request.state = 'resolved';
          resolve(value);
        } catch (error) {
          fail(error);
        }
      };
      // Answer on a later task, as a browser does after its prompt closes.
      if (paused) waiting.push(() => setTimeout(answer, 0));
      else setTimeout(answer, 0);
    });
  }

  function clientData(type: string, challenge: BufferSource): ArrayBuffer {
    return buffer(
      encoder.encode(
        JSON.stringify({ type, challenge: b64(challenge), origin, crossOrigin: false }),
      ),
    );
  }

  function assertion(credential: FakeCredential, publicKey: PublicKeyCredentialRequestOptions) {
    return {
      id: credential.id,
      rawId: buffer(base64urlDecode(credential.id)),
      type: 'public-key',
      authenticatorAttachment: 'platform',
      response: {
        clientDataJSON: clientData('webauthn.get', publicKey.challenge),
        // 32-byte RP ID hash placeholder, flags UP|UV|BE|BS, counter 0 (WebAuthn L3 §6.1).
        authenticatorData: buffer(new Uint8Array([...new Uint8Array(32), 0x1d, 0, 0, 0, 0])),
        signature: buffer(encoder.encode('fake-signature')),
        userHandle: buffer(base64urlDecode(credential.userHandle)),
      },
      getClientExtensionResults: () => ({}),
    };
  }

  function pick(publicKey: PublicKeyCredentialRequestOptions, chosen?: string): FakeCredential {
    const rpId = publicKey.rpId ?? hostname;
    const allowed = (publicKey.allowCredentials ?? []).map((c) => b64(c.id));
    const match = credentials.find(
      (c) =>
        c.rpId === rpId &&
        (chosen === undefined || c.id === chosen) &&
        (allowed.length === 0 || allowed.includes(c.id)),
    );
    // WebAuthn L3 §6.3.3 step 7: no matching credential ends like a cancelled prompt.
    if (!match)
      throw new DOMException('No passkey for this site on this device.', 'NotAllowedError');
    return match;
  }

  const fakeCredentials = {
    get(request: CredentialRequestOptions = {}) {
      const publicKey = request.publicKey as PublicKeyCredentialRequestOptions;
      const mediation = request.mediation === 'conditional' ? 'conditional' : 'modal';
      const record: FakeRequest = { kind: 'get', mediation, publicKey, state: 'pending' };
      requests.push(record);
      if (mediation === 'conditional') {
        return new Promise((resolve, reject) => {
          const { signal } = request;
          const stop = (error: unknown) => {
            conditional = null;
            record.state = 'rejected';
            record.error = (error as Error).name;
            reject(error);
          };
          if (signal?.aborted) return stop(abortError(signal));
          signal?.addEventListener('abort', () => stop(abortError(signal)), { once: true });
          conditional = {
            resolve(id) {
              conditional = null;
              try {
                const value = assertion(pick(publicKey, id), publicKey);
                record.state = 'resolved';
                resolve(value);
              } catch (error) {
                stop(error);
              }
            },
          };
        });
      }
      return settle(record, request.signal, () => assertion(pick(publicKey), publicKey));
    },
    create(request: CredentialCreationOptions = {}) {
      const publicKey = request.publicKey as PublicKeyCredentialCreationOptions;
      const record: FakeRequest = {
        kind: 'create',
        mediation:
          (request as { mediation?: string }).mediation === 'conditional' ? 'conditional' : 'modal',
        publicKey,
        state: 'pending',
      };
      requests.push(record);
      return settle(record, request.signal, () => {
        const excluded = (publicKey.excludeCredentials ?? []).map((c) => b64(c.id));
        // WebAuthn L3 §6.3.2 step 3: this authenticator already holds an excluded credential.
        if (credentials.some((c) => excluded.includes(c.id))) {
          throw new DOMException(
            'The authenticator already holds a passkey for this account.',
            'InvalidStateError',
          );
        }
        created += 1;
        const credential: FakeCredential = {
          id: base64urlEncode(encoder.encode(`fake-credential-${created}`)),
          userHandle: b64(publicKey.user.id),
          rpId: publicKey.rp.id ?? hostname,
        };
        credentials.push(credential);
        const authenticatorData = buffer(new Uint8Array([...new Uint8Array(32), 0x5d, 0, 0, 0, 0]));
        return {
          id: credential.id,
          rawId: buffer(base64urlDecode(credential.id)),
          type: 'public-key',
          authenticatorAttachment: 'platform',
          response: {
            clientDataJSON: clientData('webauthn.create', publicKey.challenge),
            attestationObject: buffer(encoder.encode('fake-attestation-object')),
            getTransports: () => ['hybrid', 'internal'],
            getPublicKeyAlgorithm: () => -7,
            getPublicKey: () => buffer(encoder.encode('fake-public-key')),
            getAuthenticatorData: () => authenticatorData,
          },
          getClientExtensionResults: () => ({ credProps: { rk: true } }),
        };
      });
    },
  };

  Object.defineProperty(g, 'PublicKeyCredential', {
    value: FakePublicKeyCredential,
    configurable: true,
    writable: true,
  });
  Object.defineProperty(nav, 'credentials', { value: fakeCredentials, configurable: true });
  return fake;
}

function restore(
  target: Record<string, unknown>,
  key: string,
  descriptor: PropertyDescriptor | undefined,
) {
  if (descriptor) Object.defineProperty(target, key, descriptor);
  else delete target[key];
}
