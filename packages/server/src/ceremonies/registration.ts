import { base64urlDecode, LatchkeyError } from '@latchkey/core';
import { generateRegistrationOptions, verifyRegistrationResponse } from '@simplewebauthn/server';
import { decodeAttestationObject, parseAuthenticatorData } from '@simplewebauthn/server/helpers';
import { defaultPasskeyName, describeUserAgent, passkeyProvider } from '../devices/index.js';
import { sendSignUpEmail } from '../email-links/email-links.js';
import { randomToken } from '../internal/crypto.js';
import { OWNER_CLAIM } from '../owner/current-owner.js';
import { type EnrolmentTarget, enrolmentTarget } from '../owner/enrolment-target.js';
import { newSessionKey } from '../pop/new-session-key.js';
import { generateRecoveryCodes } from '../recovery/recovery-codes.js';
import type { RouteHandlers } from '../services.js';
import { type CredentialRecord, StoreConflictError, type UserRecord } from '../stores/contract.js';
import { toWirePasskey } from '../wire/to-wire-passkey.js';
import { checkAddPasskey, checkConditionalCreate } from './add-passkey-rules.js';
import { offeredAlgorithms } from './algorithms.js';
import { checkAuthenticatorPolicy } from './authenticator-policy.js';
import { checkAuthenticatorFlags, checkClientDataType, checkOrigin } from './ceremony-checks.js';
import { consumeChallenge, issueChallenge } from './challenges.js';
import { appExtensionResults } from './extension-results.js';
import { creationOptionsJson } from './options-json.js';

/** COSE algorithms we accept, most preferred first: Ed25519, ES256, RS256 (WebAuthn L3 §5.8.3). */
/**
 * `POST /passkeys/register-options` and `POST /passkeys/register` (WebAuthn L3
 * §7.1): a signed-in user adds a passkey, or (when sign-up is open) a new user
 * signs up with one and is signed in.
 */
export const registrationRoutes: RouteHandlers = {
  async registerOptions(ctx, services) {
    const { config, store } = services;
    const target = await enrolmentTarget(services, ctx);
    const conditional = ctx.body.conditional === true;
    const data: Record<string, unknown> = { target: target.kind };
    if (conditional) {
      checkConditionalCreate(target.kind);
      // `register` accepts a response without user presence only for this challenge.
      data.conditional = true;
    }
    let user: UserRecord | null = null;
    let userHandle: string;
    let email: string | null = null;
    let displayName: string | null = null;
    if (target.kind === 'add') {
      await checkAddPasskey(ctx, services);
      user = target.user;
      ({ userHandle, email, displayName } = user);
    } else if (target.kind === 'pending') {
      await services.rateLimit.checkIp(ctx);
      // The owner's handle, so the new passkey signs in to the owner's account once
      // approved; the names shown by the authenticator reveal nothing about the owner.
      user = target.owner;
      userHandle = user.userHandle;
      displayName = `${config.rpName} owner`;
    } else {
      await services.rateLimit.checkIp(ctx);
      email = ctx.body.email?.toLowerCase() ?? null;
      displayName = ctx.body.displayName ?? null;
      // No lookup of the email here: the options for a known and an unknown email
      // are the same (finding H, no enumeration). A known email is refused only by
      // `register`, after a full ceremony, with one generic answer.
      // A stable random user handle (WebAuthn L3 §14.6.1: no personal data in it).
      userHandle = randomToken(32);
      Object.assign(data, { email, displayName, userHandle });
    }

    // §5.4.3: a passkey the user already has here must not be registered twice
    // (not listed for a pending enrolment: a stranger must not learn the owner's ids).
    const credentials = target.kind === 'add' ? await store.listCredentials(target.user.id) : [];
    const challenge = await issueChallenge(services, ctx, 'registration', user?.id ?? null, data);

    const { webauthn } = config;
    // A request may steer the browser's choice of authenticator (both are only
    // hints to the client; nothing is enforced on them), never the policy.
    const authenticatorAttachment =
      ctx.body.authenticatorAttachment ?? webauthn.authenticatorAttachment;
    const hints = ctx.body.hints ?? webauthn.hints;
    // The app's extensions first: Latchkey's own cannot be overridden (the config
    // refuses them too). §10.1.4: `prf: {}` asks whether the new passkey can give
    // PRF outputs (`clientExtensionResults.prf.enabled`), so keys can be derived
    // from it later; §10.1.3 `credProps` tells whether it is discoverable.
    const extensions = { ...webauthn.extensions.registration, credProps: true, prf: {} };
    const options = await generateRegistrationOptions({
      rpName: config.rpName,
      rpID: ctx.rpId,
      userName: email ?? displayName ?? `${config.rpName} account`,
      userDisplayName: displayName ?? email ?? '',
      userID: base64urlDecode(userHandle) as Uint8Array<ArrayBuffer>,
      challenge: base64urlDecode(challenge.challenge) as Uint8Array<ArrayBuffer>,
      timeout: 300_000,
      attestationType: webauthn.attestation,
      // §5.4.3: a passkey the user already has here must not be registered twice.
      excludeCredentials: credentials.map((c) => ({
        id: c.credentialId,
        transports: c.transports,
      })),
      authenticatorSelection: {
        residentKey: webauthn.residentKey,
        userVerification: config.userVerification,
        ...(authenticatorAttachment ? { authenticatorAttachment } : {}),
      },
      supportedAlgorithmIDs: await offeredAlgorithms(webauthn.algorithms, config.logger),
      extensions,
    });
    return { options: creationOptionsJson(options, extensions, hints) };
  },

  async register(ctx, services) {
    const { config, store, sessions, audit } = services;
    const { response } = ctx.body;
    if (!ctx.user) await services.rateLimit.checkIp(ctx);
    const extensions = appExtensionResults(
      response.clientExtensionResults,
      config.webauthn.extensions.registration,
    );
    // Adding to an existing account: the same rule as at register-options, and a
    // locked account's session that is not bound yet binds to the key sent now.
    let bindKey: string | null = null;
    if (ctx.user) {
      await checkAddPasskey(ctx, services);
      if (!ctx.session?.popKey) bindKey = newSessionKey(ctx.user, ctx.body.popKey);
    }

    // §7.1 steps 5-7: C := parsed clientDataJSON; C.type must be "webauthn.create".
    const clientData = checkClientDataType(response.response.clientDataJSON, 'webauthn.create');
    // §7.1 step 8: the challenge (single use, bound to this ceremony and caller).
    const challenge = await consumeChallenge(services, ctx, clientData.challenge, 'registration');
    const target = challenge.data.target as EnrolmentTarget['kind'];
    const expectedUserId = target === 'pending' ? challenge.userId : (ctx.user?.id ?? null);
    if (
      (challenge.userId ?? null) !== expectedUserId ||
      (target === 'add') !== (ctx.user !== null)
    ) {
      throw new LatchkeyError('CHALLENGE_MISMATCH', 'The challenge was issued to another account');
    }
    // §7.1 step 9: the origin.
    checkOrigin(clientData, config, challenge);
    // §7.1 steps 12-15: rpIdHash, UP and UV from the attested authenticator data.
    let authData: ReturnType<typeof parseAuthenticatorData>;
    let attestation: ReturnType<typeof decodeAttestationObject>;
    try {
      attestation = decodeAttestationObject(
        base64urlDecode(response.response.attestationObject) as Uint8Array<ArrayBuffer>,
      );
      authData = parseAuthenticatorData(attestation.get('authData'));
    } catch (cause) {
      throw new LatchkeyError('VERIFICATION_FAILED', 'The attestation object is malformed', {
        cause,
      });
    }
    // §7.1 step 14: without user presence only for a conditional create's challenge.
    const conditional = challenge.data.conditional === true;
    await checkAuthenticatorFlags(
      {
        rpIdHash: authData.rpIdHash,
        userPresent: authData.flags.up,
        userVerified: authData.flags.uv,
      },
      challenge.rpId,
      config,
      conditional ? 'optional' : 'required',
    );

    let verification: Awaited<ReturnType<typeof verifyRegistrationResponse>>;
    try {
      verification = await verifyRegistrationResponse({
        response: response as Parameters<typeof verifyRegistrationResponse>[0]['response'],
        expectedChallenge: challenge.challenge,
        expectedOrigin: config.origins,
        expectedRPID: challenge.rpId,
        requireUserPresence: !conditional,
        requireUserVerification: config.userVerification === 'required',
        supportedAlgorithmIDs: await offeredAlgorithms(config.webauthn.algorithms, config.logger),
      });
    } catch (cause) {
      throw new LatchkeyError('VERIFICATION_FAILED', 'The new passkey could not be verified', {
        cause,
      });
    }
    if (!verification.verified)
      throw new LatchkeyError('VERIFICATION_FAILED', 'The new passkey could not be verified');
    const info = verification.registrationInfo;
    // §7.1 steps 21-24 are done (the statement verified); now the AAGUID policy.
    await checkAuthenticatorPolicy(config.webauthn, {
      aaguid: info.aaguid,
      x5c: info.fmt === 'none' ? undefined : attestation.get('attStmt').get('x5c'),
    });

    const provider = passkeyProvider(info.aaguid);
    const createdWith = describeUserAgent(ctx.userAgent);
    const credential: CredentialRecord = {
      id: randomToken(12),
      userId: ctx.user?.id ?? randomToken(12),
      credentialId: info.credential.id,
      publicKey: info.credential.publicKey,
      counter: info.credential.counter,
      transports: (response.response.transports ?? []).filter((t) => t.length <= 32).slice(0, 8),
      deviceType: info.credentialDeviceType,
      backedUp: info.credentialBackedUp,
      aaguid: info.aaguid,
      name: ctx.body.name?.trim() || defaultPasskeyName(ctx.userAgent),
      providerName: provider?.name ?? defaultPasskeyName(ctx.userAgent),
      providerIcon: provider?.icon ?? null,
      createdWith,
      status: 'active',
      rpId: challenge.rpId,
      prf: response.clientExtensionResults.prf?.enabled === true,
      wrappedKey: null,
      createdAt: ctx.now,
      lastUsedAt: null,
    };

    const registered = {
      credentialId: credential.credentialId,
      name: credential.name,
      provider: credential.providerName,
      aaguid: credential.aaguid,
      ...(conditional ? { conditional: true } : {}),
      ...(extensions ? { extensions } : {}),
    };
    let recoveryCodes: string[] | undefined;
    let signedUp = false;
    try {
      if (target === 'add') {
        await store.addCredential(credential);
      } else if (target === 'pending') {
        // Owner mode with approval: the passkey exists but cannot sign in until a
        // trusted device approves it. No session for this device yet.
        credential.userId = challenge.userId!;
        credential.status = 'pending';
        await store.addCredential(credential);
      } else {
        const { codes, hashes } = await generateRecoveryCodes(await services.keys());
        const data = challenge.data as {
          email: string | null;
          displayName: string | null;
          userHandle: string;
        };
        // With email set up, the address joins the account once a link sent to it
        // is opened; until then the sign-up is the same for a taken and a free
        // address (no enumeration, and never two accounts with one address).
        const pendingEmail = config.email && data.email ? data.email : null;
        const user: UserRecord = {
          id: credential.userId,
          email: pendingEmail ? null : data.email,
          emailVerified: false,
          displayName: data.displayName,
          externalId: null,
          userHandle: data.userHandle,
          tier: config.pop.defaultTier,
          prfSalt: randomToken(32),
          createdAt: ctx.now,
        };
        const popKey = newSessionKey(user, ctx.body.popKey);
        const session = await sessions.prepare(ctx, {
          userId: user.id,
          kind: 'full',
          credentialId: credential.credentialId,
          popKey,
        });
        // One transaction: the account, its passkey, its recovery codes, its first
        // session, (owner mode) the claim on the instance and the audit events;
        // or nothing at all.
        const created = { email: data.email !== null, owner: config.mode === 'owner' };
        await audit.recordAllWith(
          ctx,
          [
            { type: 'user.created', userId: user.id, data: created },
            { type: 'passkey.registered', userId: user.id, data: registered },
          ],
          (events) =>
            store.createUser({
              user,
              credential,
              recoveryCodeHashes: hashes,
              session: session.record,
              ...(config.mode === 'owner' ? { claim: { name: OWNER_CLAIM, value: user.id } } : {}),
              events,
            }),
        );
        signedUp = true;
        sessions.commit(ctx, session);
        recoveryCodes = codes;
        ctx.user = user;
        if (pendingEmail) {
          sendSignUpEmail(
            services,
            { userId: user.id, email: pendingEmail, origin: ctx.origin, now: ctx.now },
            ctx,
          );
        }
      }
    } catch (error) {
      if (error instanceof StoreConflictError) {
        if (error.field === 'email') {
          throw new LatchkeyError(
            'EMAIL_TAKEN',
            'No new account was made with this email. If it is yours, sign in with a passkey or a recovery code.',
          );
        }
        if (error.field === 'other') {
          throw new LatchkeyError(
            'SIGN_UP_CLOSED',
            'This instance was just claimed by its owner; pair this device instead',
          );
        }
        throw new LatchkeyError('CREDENTIAL_EXISTS', 'This passkey is already registered');
      }
      throw error;
    }

    if (!signedUp) {
      await audit.record(ctx, 'passkey.registered', credential.userId, {
        ...registered,
        ...(credential.status === 'pending' ? { pending: true } : {}),
      });
    }
    if (target === 'add') {
      // For the app's `hooks.onEvent`: tell the person a passkey was added to their account.
      await audit.record(ctx, 'passkey.added', credential.userId, {
        credentialId: credential.credentialId,
        name: credential.name,
        provider: credential.providerName,
        // `app`: enrolled by the host app's signed-in person (`identify`).
        session: ctx.session?.kind ?? 'app',
        ...(conditional ? { conditional: true } : {}),
        ...(extensions ? { extensions } : {}),
      });
    }
    if (bindKey && ctx.session) {
      await store.updateSession(ctx.session.id, { popKey: bindKey, popProvenAt: ctx.now });
      Object.assign(ctx.session, { popKey: bindKey, popProvenAt: ctx.now });
    }
    if (ctx.session && ctx.session.kind !== 'full') {
      // A recovery or paired (enrol-only) session becomes a full one once it has its own passkey.
      // It now belongs to this passkey: revoking the passkey ends it.
      await sessions.rotate(ctx, { kind: 'full', credentialId: credential.credentialId });
    }

    return {
      credentialId: credential.credentialId,
      passkey: toWirePasskey(credential),
      ...(recoveryCodes ? { recoveryCodes } : {}),
    };
  },
};
