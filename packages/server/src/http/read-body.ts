import { LatchkeyError } from '@latchkey/core';

/** The largest body any route accepts (docs/design.md, "Security invariants": bodies over 64 KiB get 413). */
export const MAX_BODY_BYTES = 64 * 1024;

/**
 * Reads a JSON body with a hard size limit: a `Content-Length` over the limit is
 * refused before reading, and a streamed body is cut off as soon as it passes it.
 */
export async function readJsonBody(request: Request): Promise<unknown> {
  const declared = request.headers.get('content-length');
  if (declared !== null && Number(declared) > MAX_BODY_BYTES) {
    throw new LatchkeyError('PAYLOAD_TOO_LARGE', `Bodies are limited to ${MAX_BODY_BYTES} bytes`);
  }
  const type = request.headers.get('content-type') ?? '';
  if (request.body === null) return {};
  if (!/^application\/json\s*(;|$)/i.test(type)) {
    throw new LatchkeyError(
      'UNSUPPORTED_MEDIA_TYPE',
      'Send JSON with Content-Type: application/json',
    );
  }

  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel().catch(() => {});
      throw new LatchkeyError('PAYLOAD_TOO_LARGE', `Bodies are limited to ${MAX_BODY_BYTES} bytes`);
    }
    chunks.push(value);
  }
  if (size === 0) return {};
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (cause) {
    throw new LatchkeyError('INVALID_JSON', 'The body is not valid JSON', { cause });
  }
}
