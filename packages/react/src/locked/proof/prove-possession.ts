'use client';
import {
  type LatchkeyClient,
  LatchkeyError,
  type LatchkeyResult,
  type PopProveResponse,
} from '@latchkey/core';
import { type DeviceKey, loadDeviceKey } from '../device-key/device-key.js';
import type { DeviceKeyStore } from '../device-key/device-key-store.js';

/**
 * Refreshes a locked session's proof of possession: `POST /pop/challenge`, sign
 * the challenge with the device key, `POST /pop/prove`. Never throws; a browser
 * without the session's key (a copied cookie) gets `POP_INVALID`.
 *
 * @example
 * const { data, error } = await provePossession(client, indexedDbDeviceKeyStore());
 * if (data) setTimeout(again, (Date.parse(data.nextProofBy) - Date.parse(data.provenAt)) / 2);
 */
export async function provePossession(
  client: LatchkeyClient,
  keyStore: DeviceKeyStore,
  options: { signal?: AbortSignal } = {},
): Promise<LatchkeyResult<PopProveResponse>> {
  const key = await readKey(keyStore);
  if (key.error) return key;
  const asked = await client.popChallenge({}, options);
  if (asked.error) return asked;
  return prove(client, key.data, asked.data.challenge, options);
}

/**
 * Signs one challenge the server sent (a locked stream's `pop-challenge` event)
 * and sends the proof. Never throws.
 *
 * @example
 * await answerChallenge(client, indexedDbDeviceKeyStore(), event.challenge);
 */
export async function answerChallenge(
  client: LatchkeyClient,
  keyStore: DeviceKeyStore,
  challenge: string,
  options: { signal?: AbortSignal } = {},
): Promise<LatchkeyResult<PopProveResponse>> {
  const key = await readKey(keyStore);
  if (key.error) return key;
  return prove(client, key.data, challenge, options);
}

async function prove(
  client: LatchkeyClient,
  key: DeviceKey,
  challenge: string,
  options: { signal?: AbortSignal },
): Promise<LatchkeyResult<PopProveResponse>> {
  let signature: string;
  try {
    signature = await key.sign(challenge);
  } catch (cause) {
    return noKey('The device key could not sign the challenge', cause);
  }
  return client.popProve({ challenge, signature }, options);
}

async function readKey(keyStore: DeviceKeyStore): Promise<LatchkeyResult<DeviceKey>> {
  try {
    const key = await loadDeviceKey(keyStore);
    return key ? { data: key, error: null } : noKey('This browser holds no device key');
  } catch (cause) {
    return noKey('This browser cannot read its device key', cause);
  }
}

// Status 0: the browser found this out by itself, nothing was sent.
function noKey(message: string, cause?: unknown): { data: null; error: LatchkeyError } {
  return { data: null, error: new LatchkeyError('POP_INVALID', message, { cause, status: 0 }) };
}
