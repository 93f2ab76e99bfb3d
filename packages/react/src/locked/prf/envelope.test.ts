import { base64urlDecode, base64urlEncode } from '@latchkey/core';
import { describe, expect, it } from 'vitest';
import {
  createDataKey,
  dataKeyId,
  rewrapDataKey,
  unwrapDataKey,
  wrapDataKey,
  wrappedKeyId,
} from './data-key.js';
import { decryptEnvelope, decryptEnvelopeText, encryptEnvelope } from './envelope.js';
import { deriveWrappingKey } from './wrapping-key.js';

const salt = base64urlEncode(new Uint8Array(32).fill(7));
const prfOutput = (byte: number) => new Uint8Array(32).fill(byte);

describe('encryptEnvelope / decryptEnvelope', () => {
  it('round-trips text and bytes in a v2.<iv>.<ciphertext> envelope, with a fresh IV each time', async () => {
    const key = await createDataKey();
    const envelope = await encryptEnvelope(key, 'Dear diary, ünïcødé ✓');
    expect(envelope).toMatch(/^v2\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/);
    expect(await decryptEnvelopeText(key, envelope)).toEqual({
      data: 'Dear diary, ünïcødé ✓',
      error: null,
    });
    const again = await encryptEnvelope(key, 'Dear diary, ünïcødé ✓');
    expect(again.split('.')[1]).not.toBe(envelope.split('.')[1]);

    const bytes = new Uint8Array([0, 1, 2, 255]);
    const opened = await decryptEnvelope(key, await encryptEnvelope(key, bytes));
    expect(opened.data).toEqual(bytes);
    // The empty plaintext still carries GCM's 16-byte tag.
    expect((await decryptEnvelopeText(key, await encryptEnvelope(key, ''))).data).toBe('');
  });

  it('answers DECRYPTION_FAILED for a changed byte, another key, or a malformed envelope', async () => {
    const key = await createDataKey();
    const envelope = await encryptEnvelope(key, 'secret');
    const [, iv, body] = envelope.split('.') as [string, string, string];
    const flipped = base64urlDecode(body);
    flipped[0]! ^= 1;
    for (const bad of [
      `v2.${iv}.${base64urlEncode(flipped)}`,
      `v1.${iv}.${body}`,
      `v3.${iv}.${body}`,
      `v1.${iv.slice(1)}.${body}`,
      'v1..',
      '',
    ]) {
      expect((await decryptEnvelope(key, bad)).error?.code, bad).toBe('DECRYPTION_FAILED');
    }
    expect((await decryptEnvelope(await createDataKey(), envelope)).error?.code).toBe(
      'DECRYPTION_FAILED',
    );
  });

  it('envelope v2 with associated data: swapped records do not decrypt, v1 still reads', async () => {
    const key = await createDataKey();
    const ada = await encryptEnvelope(key, 'Ada’s note', { aad: 'note:1' });
    expect((await decryptEnvelopeText(key, ada, { aad: 'note:1' })).data).toBe('Ada’s note');
    // Copied into record 2 (or read without its aad), it does not open.
    expect((await decryptEnvelopeText(key, ada, { aad: 'note:2' })).error?.code).toBe(
      'DECRYPTION_FAILED',
    );
    expect((await decryptEnvelope(key, ada)).error?.code).toBe('DECRYPTION_FAILED');
    // A version 1 envelope (AES-GCM without associated data) as 0.1 wrote it.
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const old = new Uint8Array(
      await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, new TextEncoder().encode('old')),
    );
    const v1 = `v1.${base64urlEncode(iv)}.${base64urlEncode(old)}`;
    expect((await decryptEnvelopeText(key, v1)).data).toBe('old');
  });

  it('refuses a plaintext that is neither text nor bytes (TypeError)', async () => {
    const key = await createDataKey();
    await expect(encryptEnvelope(key, 42 as unknown as string)).rejects.toThrow(TypeError);
  });
});

describe('deriveWrappingKey / wrapDataKey / unwrapDataKey', () => {
  it('gives back the same data key from the same PRF output and salt', async () => {
    const dataKey = await createDataKey();
    const wrapped = await wrapDataKey(dataKey, await deriveWrappingKey(prfOutput(1), salt));
    // A version byte, the key's 8-byte id and AES-KW of a 256-bit key (RFC 3394: 32 + 8 bytes).
    expect(base64urlDecode(wrapped)).toHaveLength(49);
    expect(base64urlDecode(wrapped)[0]).toBe(2);
    const envelope = await encryptEnvelope(dataKey, 'kept');
    const back = await unwrapDataKey(wrapped, await deriveWrappingKey(prfOutput(1), salt));
    expect((await decryptEnvelopeText(back, envelope)).data).toBe('kept');
    const wrappingKey = await deriveWrappingKey(prfOutput(1), salt);
    expect(wrappingKey.extractable).toBe(false);
    expect(wrappingKey.usages.sort()).toEqual(['unwrapKey', 'wrapKey']);
  });

  it('PRF data key kept as a non-extractable working copy, with a key id; v1 wrapped keys still open', async () => {
    const dataKey = await createDataKey();
    const first = await deriveWrappingKey(prfOutput(1), salt);
    const wrapped = await wrapDataKey(dataKey, first);
    const working = await unwrapDataKey(wrapped, first);
    expect(working.extractable).toBe(false);
    await expect(crypto.subtle.exportKey('raw', working)).rejects.toThrow();
    // The id names the key without revealing it: the same for every wrapping, another for another key.
    const id = await dataKeyId(dataKey);
    expect(id).toMatch(/^[A-Za-z0-9_-]{11}$/);
    expect(wrappedKeyId(wrapped)).toBe(id);
    expect(await dataKeyId(working)).toBe(id);
    const second = await deriveWrappingKey(prfOutput(2), salt);
    const forPhone = await rewrapDataKey(wrapped, first, second);
    expect(wrappedKeyId(forPhone)).toBe(id);
    const envelope = await encryptEnvelope(working, 'kept');
    expect((await decryptEnvelopeText(await unwrapDataKey(forPhone, second), envelope)).data).toBe(
      'kept',
    );
    expect(wrappedKeyId(await wrapDataKey(await createDataKey(), first))).not.toBe(id);
    // The 0.1 format: a version byte and the AES-KW bytes.
    const raw = new Uint8Array(await crypto.subtle.wrapKey('raw', dataKey, first, 'AES-KW'));
    const v1 = base64urlEncode(new Uint8Array([1, ...raw]));
    expect(wrappedKeyId(v1)).toBeNull();
    expect(await dataKeyId(await unwrapDataKey(v1, first))).toBe(id);
    // A v2 key whose id was changed is refused.
    const renamed = base64urlDecode(wrapped);
    renamed[1]! ^= 1;
    await expect(unwrapDataKey(base64urlEncode(renamed), first)).rejects.toMatchObject({
      code: 'DECRYPTION_FAILED',
    });
  });

  it('fails with DECRYPTION_FAILED for another passkey’s output or another salt', async () => {
    const wrapped = await wrapDataKey(
      await createDataKey(),
      await deriveWrappingKey(prfOutput(1), salt),
    );
    await expect(
      unwrapDataKey(wrapped, await deriveWrappingKey(prfOutput(2), salt)),
    ).rejects.toMatchObject({ code: 'DECRYPTION_FAILED' });
    const otherSalt = base64urlEncode(new Uint8Array(32).fill(8));
    await expect(
      unwrapDataKey(wrapped, await deriveWrappingKey(prfOutput(1), otherSalt)),
    ).rejects.toMatchObject({ code: 'DECRYPTION_FAILED' });
    await expect(
      unwrapDataKey('AAAA', await deriveWrappingKey(prfOutput(1), salt)),
    ).rejects.toMatchObject({ code: 'DECRYPTION_FAILED' });
  });

  it('refuses a PRF output shorter than 32 bytes (TypeError)', async () => {
    await expect(deriveWrappingKey(new Uint8Array(16), salt)).rejects.toThrow(TypeError);
  });
});
