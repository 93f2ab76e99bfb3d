import {
  createTestAuthenticator,
  type TestAuthenticationResponse,
  type TestAuthenticator,
} from '../src/testing/index.js';
import { type Answer, ORIGIN, type Send, send } from './http.js';
import { outcomeOf, type Recorder } from './recorder.js';

/** What every simulated user shares: where to send, what to record. */
export interface World {
  /** The round-robin balancer's port. */
  balancer: number;
  /** Each instance's own port, to ask every one of them directly. */
  instances: number[];
  recorder: Recorder;
  /** Past this, an unanswered request counts as a hang. */
  hangMs: number;
  runId: string;
  random: () => number;
}

type Op = () => Promise<unknown>;

/**
 * One person: their devices (a software authenticator each), a browser's
 * cookie, and the model of what the server must hold for them: their account,
 * their active passkeys, their unused recovery codes, the highest signature
 * counter a sign-in was acknowledged with. Every answer is checked against it;
 * an answer that is not the model's while nothing was failing is a violation.
 * After an answer the model cannot predict (a fault met it), the user is
 * "dirty" and reads the truth back from the server before going on.
 */
export class SimulatedUser {
  /** One authenticator per device: a device holds one passkey per account, as real ones do. */
  readonly devices = new Map<string, TestAuthenticator>();
  readonly email: string | null;
  userId: string | null = null;
  /** `uncertain`: the sign-up met a fault; the server may or may not have the account. */
  account: 'none' | 'confirmed' | 'uncertain' = 'none';
  /** Confirmed by a 201 sign-up: it must never be lost. */
  signedUp = false;
  cookie: string | null = null;
  readonly credentials = new Set<string>();
  codes: string[] = [];
  dirty = false;
  readonly acked = new Map<string, number>();
  /** The last assertion that opened a session, to replay it later (across faults). */
  private consumed: { response: unknown; pre: string | undefined } | null = null;
  /** Set when an answer said "try again" (a 503, no answer): the person waits a moment. */
  private unavailable = false;

  constructor(
    private readonly world: World,
    readonly name: string,
  ) {
    this.email = world.random() < 0.5 ? `${name}-${world.runId}@soak.test` : null;
  }

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.world.random() * items.length)]!;
  }

  private async call(
    route: string,
    options: Omit<Send, 'port'> & { port?: number; session?: boolean; ceremony?: boolean },
  ): Promise<Answer> {
    const cookies = { ...options.cookies };
    if (options.session) cookies.latchkey = this.cookie;
    const answer = await send(
      { port: this.world.balancer, ...options, cookies },
      this.world.hangMs,
    );
    this.world.recorder.record(route, answer, options.ceremony);
    if (answer.status >= 500 || answer.failure) this.unavailable = true;
    // The browser keeps what a successful answer sets; an error may only clear.
    if (options.session && answer.cookies.has('latchkey')) {
      const value = answer.cookies.get('latchkey')!;
      if (answer.status < 400 || value === '') this.cookie = value || null;
    }
    if (answer.status >= 400 && answer.cookies.get('latchkey'))
      this.world.recorder.violate('no session cookie on an error answer', route);
    return answer;
  }

  /** True when the answer is one of `ok`; otherwise the user is dirty, and a violation if nothing was failing. */
  private expect(route: string, answer: Answer, ok: number[], what = ''): boolean {
    if (ok.includes(answer.status)) return true;
    this.dirty = true;
    if (this.world.recorder.strict(answer.startedAt)) {
      this.world.recorder.violate(
        'answers match the model',
        `${this.name} ${route}: expected ${ok.join('/')}${what ? ` (${what})` : ''}, got ${outcomeOf(answer)} ${answer.body?.error?.message ?? ''}`,
      );
    }
    return false;
  }

  private strictViolation(started: number, invariant: string, detail: string): void {
    if (this.world.recorder.strict(started)) this.world.recorder.violate(invariant, detail);
    else this.dirty = true;
  }

  /** The next step of this person's life; after a 503 or no answer, 100–200 ms later, as a client backs off. */
  async step(): Promise<void> {
    if (this.unavailable) {
      this.unavailable = false;
      await new Promise((resolve) => setTimeout(resolve, 100 + this.world.random() * 100));
    }
    return this.act();
  }

  private async act(): Promise<void> {
    if (this.account === 'none') return void (await this.signUp());
    if (this.dirty) return void (await this.resync());
    if (!this.cookie) return void (await this.signIn(true));
    const ops: [number, Op][] = [
      [20, () => this.signIn(true)],
      [2, () => this.replay()],
      [10, () => this.stepUp()],
      [10, () => this.rename()],
      [10, () => this.signOut()],
      [8, () => this.addPasskey()],
      [8, () => this.removePasskey()],
      [6, () => this.tokens()],
      [5, () => this.deviceFlow()],
      [5, () => this.pairing()],
      [5, () => this.recovery()],
    ];
    let roll = this.world.random() * ops.reduce((sum, [weight]) => sum + weight, 0);
    for (const [weight, op] of ops) {
      roll -= weight;
      if (roll < 0) return void (await op());
    }
  }

  async signUp(): Promise<void> {
    const body = { ...(this.email ? { email: this.email } : {}), displayName: this.name };
    const options = await this.call('POST register-options (sign-up)', {
      method: 'POST',
      path: '/auth/passkeys/register-options',
      body,
    });
    if (!this.expect('register-options (sign-up)', options, [200])) return;
    const response = await this.register(options.body.options);
    const registered = await this.call('POST register (sign-up)', {
      method: 'POST',
      path: '/auth/passkeys/register',
      body: { response },
      cookies: { 'latchkey-pre': options.cookies.get('latchkey-pre') },
      session: true,
      ceremony: true,
    });
    if (registered.status === 201) {
      this.account = 'confirmed';
      this.signedUp = true;
      this.credentials.add(response.id);
      this.codes = [...(registered.body.recoveryCodes ?? [])];
      if (!this.cookie)
        this.world.recorder.violate('a sign-up signs in', `${this.name}: 201 without a cookie`);
      const session = await this.call('GET session', {
        method: 'GET',
        path: '/auth/session',
        session: true,
      });
      if (this.expect('session after sign-up', session, [200])) {
        this.userId = session.body.user?.id ?? null;
        this.world.recorder.checked('a sign-up is seen by every instance');
        if (!this.userId)
          this.strictViolation(session.startedAt, 'a sign-up is seen by every instance', this.name);
      }
      return;
    }
    // No answer, or a 503: the account is whole or absent; the next sign-in tells.
    this.expect('register (sign-up)', registered, [201]);
    this.account = registered.status >= 400 && registered.status < 500 ? 'none' : 'uncertain';
    if (this.account === 'none') this.devices.delete(response.id);
  }

  /** Signs in with one of the passkeys; `race`: sometimes sends the assertion to two instances at once. */
  async signIn(race: boolean): Promise<boolean> {
    const candidates =
      this.account === 'uncertain' ? [...this.devices.keys()] : [...this.credentials];
    if (!candidates.length) return false;
    const credentialId = this.pick(candidates);
    const withEmail =
      this.email !== null && this.account === 'confirmed' && this.world.random() < 0.5;
    // A browser sends its cookies with every request: a signed-in one signs in again.
    const options = await this.call('POST auth-options', {
      method: 'POST',
      path: '/auth/passkeys/auth-options',
      body: withEmail ? { email: this.email } : {},
      session: true,
    });
    if (!this.expect('auth-options', options, [200])) return false;
    const pre = options.cookies.get('latchkey-pre');
    const assertion = await this.device(credentialId).authenticate(options.body.options, {
      credentialId,
    });
    const counter = this.counterOf(credentialId);
    let answer: Answer;
    if (race && this.world.random() < 0.3) {
      answer = await this.race(
        'POST authenticate (replayed)',
        'one session per challenge',
        (port) => ({
          method: 'POST',
          path: '/auth/passkeys/authenticate',
          body: { response: assertion },
          cookies: { 'latchkey-pre': pre, latchkey: this.cookie },
          port,
        }),
        (a) => a.status === 200 && Boolean(a.cookies.get('latchkey')),
      );
      if (answer.status === 200) this.cookie = answer.cookies.get('latchkey') ?? null;
    } else {
      answer = await this.call('POST authenticate', {
        method: 'POST',
        path: '/auth/passkeys/authenticate',
        body: { response: assertion },
        cookies: { 'latchkey-pre': pre },
        session: true,
        ceremony: true,
      });
    }
    if (answer.status === 200) {
      const id = answer.body.user?.id;
      if (this.userId && id !== this.userId)
        this.world.recorder.violate('a sign-in opens the right account', `${this.name}: ${id}`);
      if (!answer.cookies.get('latchkey'))
        this.world.recorder.violate('a sign-in sets its cookie', this.name);
      if (this.account === 'uncertain') {
        // The sign-up committed whole after all: learn what it holds.
        this.account = 'confirmed';
        this.userId = id;
        this.credentials.add(credentialId);
        this.codes = [];
        this.dirty = true;
      }
      this.acked.set(credentialId, Math.max(this.acked.get(credentialId) ?? 0, counter));
      this.consumed = { response: assertion, pre };
      return true;
    }
    if (answer.code === 'UNKNOWN_CREDENTIAL' && this.account === 'uncertain') {
      // The sign-up it came from was rolled back: nothing of it exists.
      this.devices.delete(credentialId);
      if (!this.devices.size) this.account = 'none';
      this.world.recorder.checked('a failed sign-up leaves nothing');
      return false;
    }
    this.expect('authenticate', answer, [200]);
    return false;
  }

  /** Read afresh (a sign-in may have just found the account was never written). */
  private gone(): boolean {
    return this.account === 'none';
  }

  /**
   * Sends an assertion that already opened a session again, seconds or minutes
   * later, after whatever faults came between (Redis down and back): refused.
   */
  async replay(): Promise<void> {
    if (!this.consumed) return void (await this.signIn(true));
    const { response, pre } = this.consumed;
    const answer = await this.call('POST authenticate (replay of a used assertion)', {
      method: 'POST',
      path: '/auth/passkeys/authenticate',
      body: { response },
      cookies: { 'latchkey-pre': pre },
    });
    this.world.recorder.checked('a used challenge never opens another session');
    if (answer.status === 200)
      this.world.recorder.violate('a used challenge never opens another session', this.name);
  }

  private counterOf(credentialId: string): number {
    return this.device(credentialId).credentials[0]?.counter ?? 0;
  }

  private device(credentialId: string): TestAuthenticator {
    const device = this.devices.get(credentialId);
    if (!device) throw new Error(`${this.name} holds no device for ${credentialId}`);
    return device;
  }

  /** A passkey made on a new device. */
  private async register(
    options: Parameters<TestAuthenticator['register']>[0],
  ): Promise<Awaited<ReturnType<TestAuthenticator['register']>>> {
    const device = createTestAuthenticator({ origin: ORIGIN });
    const response = await device.register(options);
    this.devices.set(response.id, device);
    return response;
  }

  /**
   * Sends the same single-use request to two different instances at once: at
   * most one may succeed, and exactly one while nothing fails. Returns the
   * successful answer, or the first.
   */
  private async race(
    route: string,
    invariant: string,
    build: (port: number) => Send,
    won: (answer: Answer) => boolean,
  ): Promise<Answer> {
    const ports = this.twoInstances();
    const answers = await Promise.all(ports.map((port) => send(build(port), this.world.hangMs)));
    for (const answer of answers) this.world.recorder.record(route, answer, true);
    if (answers.some((a) => a.status >= 500 || a.failure)) this.unavailable = true;
    const winners = answers.filter(won);
    this.world.recorder.checked(invariant);
    if (winners.length > 1)
      this.world.recorder.violate(invariant, `${this.name} ${route}: ${winners.length} succeeded`);
    else if (winners.length === 0) {
      const started = Math.min(...answers.map((a) => a.startedAt));
      this.strictViolation(
        started,
        'answers match the model',
        `${this.name} ${route}: none of two succeeded (${answers.map(outcomeOf).join(', ')})`,
      );
    }
    return winners[0] ?? answers[0]!;
  }

  private twoInstances(): number[] {
    const { instances } = this.world;
    const first = Math.floor(this.world.random() * instances.length);
    return [instances[first]!, instances[(first + 1) % instances.length]!];
  }

  /** Asks every instance directly, in parallel; `refused` must hold for each answer. */
  private async everyInstance(
    route: string,
    invariant: string,
    ask: (port: number) => Promise<Answer>,
    accepted: (answer: Answer) => boolean,
  ): Promise<void> {
    const answers = await Promise.all(this.world.instances.map(ask));
    this.world.recorder.checked(invariant);
    for (const answer of answers) {
      if (accepted(answer))
        this.world.recorder.violate(invariant, `${this.name} ${route}: ${outcomeOf(answer)}`);
    }
  }

  async resync(): Promise<void> {
    if (this.account === 'none') {
      this.dirty = false;
      return;
    }
    if (this.cookie) {
      const session = await this.call('GET session', {
        method: 'GET',
        path: '/auth/session',
        session: true,
      });
      if (session.status !== 200) return;
      if (!session.body.user) this.cookie = null;
    }
    if (!this.cookie && !(await this.signIn(false))) {
      if (this.gone()) this.dirty = false;
      return;
    }
    const passkeys = await this.call('GET passkeys', {
      method: 'GET',
      path: '/auth/passkeys',
      session: true,
    });
    if (passkeys.status !== 200) return;
    const onServer = new Set<string>(
      passkeys.body.passkeys
        .filter((p: { status: string }) => p.status === 'active')
        .map((p: { credentialId: string }) => p.credentialId),
    );
    this.credentials.clear();
    for (const id of onServer) this.credentials.add(id);
    for (const held of [...this.devices.keys()]) if (!onServer.has(held)) this.devices.delete(held);
    const codes = await this.call('GET recovery-codes', {
      method: 'GET',
      path: '/auth/recovery-codes',
      session: true,
    });
    if (codes.status !== 200) return;
    if (codes.body.remaining !== this.codes.length) this.codes = [];
    this.dirty = false;
  }

  async signOut(): Promise<void> {
    const old = this.cookie;
    const answer = await this.call('POST sign-out', {
      method: 'POST',
      path: '/auth/sign-out',
      body: {},
      session: true,
    });
    if (!this.expect('sign-out', answer, [200])) return;
    this.cookie = null;
    await this.everyInstance(
      'GET session (signed out)',
      'a revoked session is refused by every instance',
      (port) =>
        this.call('GET session (revoked)', {
          method: 'GET',
          path: '/auth/session',
          cookies: { latchkey: old },
          port,
        }),
      (a) => a.status === 200 && a.body.user !== null,
    );
  }

  async stepUp(): Promise<boolean> {
    const options = await this.call('POST verify-options', {
      method: 'POST',
      path: '/auth/passkeys/verify-options',
      body: {},
      session: true,
    });
    if (!this.expect('verify-options', options, [200])) return false;
    const credentialId = this.pick([...this.credentials]);
    const response: TestAuthenticationResponse = await this.device(credentialId).authenticate(
      options.body.options,
      { credentialId },
    );
    const counter = this.counterOf(credentialId);
    const verified = await this.call('POST verify (step-up)', {
      method: 'POST',
      path: '/auth/passkeys/verify',
      body: { response },
      session: true,
      ceremony: true,
    });
    if (!this.expect('verify (step-up)', verified, [200])) return false;
    this.acked.set(credentialId, Math.max(this.acked.get(credentialId) ?? 0, counter));
    return true;
  }

  async rename(): Promise<void> {
    const credentialId = this.pick([...this.credentials]);
    const name = `Key ${Math.floor(this.world.random() * 1e6)}`;
    const renamed = await this.call('PATCH passkey', {
      method: 'PATCH',
      path: `/auth/passkeys/${encodeURIComponent(credentialId)}`,
      body: { name },
      session: true,
    });
    if (!this.expect('rename', renamed, [200])) return;
    const list = await this.call('GET passkeys', {
      method: 'GET',
      path: '/auth/passkeys',
      session: true,
    });
    if (!this.expect('list after rename', list, [200])) return;
    const seen = list.body.passkeys.find(
      (p: { credentialId: string }) => p.credentialId === credentialId,
    );
    this.world.recorder.checked('a rename is seen by the next request');
    if (seen?.name !== name)
      this.strictViolation(list.startedAt, 'a rename is seen by the next request', this.name);
  }

  async addPasskey(): Promise<void> {
    if (this.credentials.size >= 4) return this.removePasskey();
    if (!(await this.stepUp())) return;
    const options = await this.call('POST register-options (add)', {
      method: 'POST',
      path: '/auth/passkeys/register-options',
      body: {},
      session: true,
    });
    if (!this.expect('register-options (add)', options, [200])) return;
    const response = await this.register(options.body.options);
    const added = await this.call('POST register (add)', {
      method: 'POST',
      path: '/auth/passkeys/register',
      body: { response },
      session: true,
      ceremony: true,
    });
    if (!this.expect('register (add)', added, [201])) return;
    this.credentials.add(response.id);
  }

  async removePasskey(): Promise<void> {
    if (!(await this.stepUp())) return;
    const last = this.credentials.size < 2;
    const victim = this.pick([...this.credentials]);
    const removed = await this.call('DELETE passkey', {
      method: 'DELETE',
      path: `/auth/passkeys/${encodeURIComponent(victim)}`,
      session: true,
    });
    if (last) {
      this.expect('delete the last passkey', removed, [409], 'LAST_CREDENTIAL');
      return;
    }
    if (!this.expect('delete passkey', removed, [200])) return;
    this.credentials.delete(victim);
    // A thief holding the revoked passkey tries it on every instance at once.
    await this.everyInstance(
      'POST authenticate (revoked passkey)',
      'a revoked passkey is refused by every instance',
      async (port) => {
        const options = await this.call('POST auth-options (revoked passkey)', {
          method: 'POST',
          path: '/auth/passkeys/auth-options',
          body: {},
          port,
        });
        if (options.status !== 200) return options;
        const response = await this.device(victim).authenticate(options.body.options, {
          credentialId: victim,
        });
        return this.call('POST authenticate (revoked passkey)', {
          method: 'POST',
          path: '/auth/passkeys/authenticate',
          body: { response },
          cookies: { 'latchkey-pre': options.cookies.get('latchkey-pre') },
          port,
        });
      },
      (a) => a.status === 200,
    );
    this.devices.delete(victim);
  }

  async tokens(): Promise<void> {
    if (!(await this.stepUp())) return;
    const created = await this.call('POST tokens', {
      method: 'POST',
      path: '/auth/tokens',
      body: { name: 'soak script', scopes: ['read'] },
      session: true,
    });
    if (!this.expect('create token', created, [201])) return;
    const { token, info } = created.body;
    const used = await this.call('GET tokens (bearer)', {
      method: 'GET',
      path: '/auth/tokens',
      bearer: token,
    });
    if (!this.expect('use token', used, [200])) return;
    await this.revokeToken(info.id, token);
  }

  private async revokeToken(id: string, token: string): Promise<void> {
    const revoked = await this.call('DELETE token', {
      method: 'DELETE',
      path: `/auth/tokens/${id}`,
      session: true,
    });
    if (!this.expect('revoke token', revoked, [200])) return;
    await this.everyInstance(
      'GET tokens (revoked bearer)',
      'a revoked token is refused by every instance',
      (port) =>
        this.call('GET tokens (revoked bearer)', {
          method: 'GET',
          path: '/auth/tokens',
          bearer: token,
          port,
        }),
      (a) => a.status === 200,
    );
  }

  async deviceFlow(): Promise<void> {
    const clientName = `soak-cli-${Math.floor(this.world.random() * 1e9)}`;
    const code = await this.call('POST device/code', {
      method: 'POST',
      path: '/auth/device/code',
      body: { clientName, scopes: ['read'] },
    });
    if (!this.expect('device code', code, [200])) return;
    if (!(await this.stepUp())) return;
    const approved = await this.call('POST device/approve', {
      method: 'POST',
      path: '/auth/device/approve',
      body: { user_code: code.body.user_code },
      session: true,
    });
    if (!this.expect('approve device', approved, [200])) return;
    // The CLI polls from two places at once: the code gives one token.
    const answer = await this.race(
      'POST device/token (raced)',
      'one token per device code',
      (port) => ({
        method: 'POST',
        path: '/auth/device/token',
        body: {
          grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
          device_code: code.body.device_code,
        },
        port,
      }),
      (a) => a.status === 200 && typeof a.body?.access_token === 'string',
    );
    if (answer.status !== 200) return;
    const list = await this.call('GET tokens', {
      method: 'GET',
      path: '/auth/tokens',
      session: true,
    });
    if (!this.expect('list tokens', list, [200])) return;
    const info = list.body.tokens.find((t: { name: string }) => t.name === clientName);
    if (!info) {
      this.strictViolation(list.startedAt, 'answers match the model', `${clientName} not listed`);
      return;
    }
    await this.revokeToken(info.id, answer.body.access_token);
  }

  /** A new device joins by pairing: approved here, collected there, then it enrols its passkey. */
  async pairing(): Promise<void> {
    const asked = await this.call('POST pairing', {
      method: 'POST',
      path: '/auth/pairing',
      body: { deviceName: 'Soak tablet' },
    });
    if (!this.expect('start pairing', asked, [201])) return;
    const pairCookie = asked.cookies.get('latchkey-pair');
    if (!(await this.stepUp())) return;
    const approved = await this.call('POST pairing/approve', {
      method: 'POST',
      path: '/auth/pairing/approve',
      body: { code: asked.body.code },
      session: true,
    });
    if (!this.expect('approve pairing', approved, [200])) return;
    const collected = await this.race(
      'GET pairing (raced)',
      'one session per pairing',
      (port) => ({
        method: 'GET',
        path: `/auth/pairing/${asked.body.pairingId}`,
        cookies: { 'latchkey-pair': pairCookie },
        port,
      }),
      (a) =>
        a.status === 200 && a.body?.status === 'approved' && Boolean(a.cookies.get('latchkey')),
    );
    const enrol = collected.cookies.get('latchkey');
    if (collected.body?.status !== 'approved' || !enrol) return;
    await this.enrolWith(enrol, 'pairing');
  }

  /** The recovery-only or pairing-only session of a new device adds its passkey and becomes full. */
  private async enrolWith(cookie: string, how: string): Promise<void> {
    const options = await this.call(`POST register-options (${how})`, {
      method: 'POST',
      path: '/auth/passkeys/register-options',
      body: {},
      cookies: { latchkey: cookie },
    });
    if (!this.expect(`register-options (${how})`, options, [200])) return;
    const response = await this.register(options.body.options);
    const enrolled = await this.call(`POST register (${how})`, {
      method: 'POST',
      path: '/auth/passkeys/register',
      body: { response },
      cookies: { latchkey: cookie },
      ceremony: true,
    });
    if (!this.expect(`register (${how})`, enrolled, [201])) return;
    this.credentials.add(response.id);
    // The new device's session is now a full one (rotated): it becomes this user's browser.
    this.cookie = enrolled.cookies.get('latchkey') || this.cookie;
  }

  async recovery(): Promise<void> {
    if (!this.codes.length) {
      if (!(await this.stepUp())) return;
      const fresh = await this.call('POST recovery-codes', {
        method: 'POST',
        path: '/auth/recovery-codes',
        body: {},
        session: true,
      });
      if (!this.expect('new recovery codes', fresh, [200])) return;
      this.codes = [...fresh.body.codes];
    }
    const code = this.codes.pop()!;
    const body = this.email && this.world.random() < 0.5 ? { code, email: this.email } : { code };
    // A lost device: the code from two tabs at once opens one session.
    const answer = await this.race(
      'POST recovery (raced)',
      'one session per recovery code',
      (port) => ({ method: 'POST', path: '/auth/recovery', body, port }),
      (a) => a.status === 200 && Boolean(a.cookies.get('latchkey')),
    );
    const cookie = answer.cookies.get('latchkey');
    if (answer.status !== 200 || !cookie) return;
    await this.enrolWith(cookie, 'recovery');
    const again = await this.call('POST recovery (used code)', {
      method: 'POST',
      path: '/auth/recovery',
      body,
    });
    this.expect('reuse a recovery code', again, [400], 'INVALID_CODE');
  }

  /** At the end, with every fault over: the account must still be there and open. */
  async finalCheck(): Promise<void> {
    if (this.account === 'none') return;
    for (let tries = 0; tries < 3 && (this.dirty || this.account === 'uncertain'); tries++)
      await this.resync();
    if (this.gone()) return;
    const ok = await this.signIn(false);
    this.world.recorder.checked('no lost sign-ups');
    if (this.signedUp && !ok) this.world.recorder.violate('no lost sign-ups', this.name);
  }
}
