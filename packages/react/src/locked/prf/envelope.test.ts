import { base64urlDecode, base64urlEncode } from '@latchkey/core';
import { describe, expect, it } from 'vitest';
import { createDataKey, unwrapDataKey, wrapDataKey } from './data-key.js';
import { decryptEnvelope, decryptEnvelopeText, encryptEnvelope } from './envelope.js';
import { deriveWrappingKey } from './wrapping-key.js';

const salt = base64urlEncode(new Uint8Array(32).fill(7));
const prfOutput = (byte: number) => new Uint8Array(32).fill(byte);

describe('encryptEnvelope / decryptEnvelope', () => {
  it('round-trips text and bytes in a v1.<iv>.<ciphertext> envelope, with a fresh IV each time', async () => {
    const key = await createDataKey();
    const envelope = await encryptEnvelope(key, 'Dear diary, ünïcødé ✓');
    expect(envelope).toMatch(/^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/);
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
      `v1.${iv}.${base64urlEncode(flipped)}`,
      `v2.${iv}.${body}`,
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

  it('refuses a plaintext that is neither text nor bytes (TypeError)', async () => {
    const key = await createDataKey();
    await expect(encryptEnvelope(key, 42 as unknown as string)).rejects.toThrow(TypeError);
  });
});

describe('deriveWrappingKey / wrapDataKey / unwrapDataKey', () => {
  it('gives back the same data key from the same PRF output and salt', async () => {
    const dataKey = await createDataKey();
    const wrapped = await wrapDataKey(dataKey, await deriveWrappingKey(prfOutput(1), salt));
    // A version byte and AES-KW of a 256-bit key (RFC 3394: 32 + 8 bytes).
    expect(base64urlDecode(wrapped)).toHaveLength(41);
    expect(base64urlDecode(wrapped)[0]).toBe(1);
    const envelope = await encryptEnvelope(dataKey, 'kept');
    const back = await unwrapDataKey(wrapped, await deriveWrappingKey(prfOutput(1), salt));
    expect((await decryptEnvelopeText(back, envelope)).data).toBe('kept');
    const wrappingKey = await deriveWrappingKey(prfOutput(1), salt);
    expect(wrappingKey.extractable).toBe(false);
    expect(wrappingKey.usages.sort()).toEqual(['unwrapKey', 'wrapKey']);
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
