import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { type Answer, JSON_ANSWER_HEADERS, settledBody } from '../http/responses.js';

/**
 * Writes a `Response` to a `node:http` response, keeping every Set-Cookie.
 *
 * Latchkey's JSON answers carry the text they were made from (`settledBody`), so
 * it is written in one `end()` with a Content-Length, without reading the body
 * stream back. Other bodies (event streams) are copied chunk by chunk, waiting
 * for `drain`, and cancelled when the client goes away so their timers stop.
 *
 * @example
 * await writeResponse(await latchkey.handler(request), res);
 */
export async function writeResponse(response: Response, res: ServerResponse): Promise<void> {
  const headers: OutgoingHttpHeaders = {};
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') headers[name] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length) headers['set-cookie'] = cookies;

  const text = response.bodyUsed ? undefined : settledBody(response);
  if (text !== undefined) {
    headers['content-length'] ??= Buffer.byteLength(text);
    res.writeHead(response.status, headers);
    res.end(text);
    return;
  }
  res.writeHead(response.status, headers);
  if (!response.body) {
    res.end();
    return;
  }
  const reader = response.body.getReader();
  const onClose = () => {
    reader.cancel().catch(() => {});
  };
  res.once('close', onClose);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done || res.destroyed) break;
      if (!res.write(value)) {
        await new Promise<void>((resolve) => {
          const go = () => {
            res.off('drain', go);
            res.off('close', go);
            resolve();
          };
          res.on('drain', go);
          res.on('close', go);
        });
      }
    }
  } finally {
    res.off('close', onClose);
    res.end();
  }
}

/**
 * Writes one of the handler's answers: JSON not yet made a `Response` goes to
 * the socket as it is, in one `end()`; a `Response` goes through `writeResponse`.
 */
export function writeAnswer(answer: Answer, res: ServerResponse): Promise<void> {
  if (answer instanceof Response) return writeResponse(answer, res);
  const headers: OutgoingHttpHeaders = { ...JSON_ANSWER_HEADERS };
  const cookies: string[] = [];
  for (const [name, value] of answer.headers) {
    const key = name.toLowerCase();
    if (key === 'set-cookie') {
      cookies.push(value);
      continue;
    }
    const before = headers[key];
    headers[key] = before === undefined ? value : `${before}, ${value}`;
  }
  if (cookies.length) headers['set-cookie'] = cookies;
  headers['content-length'] = Buffer.byteLength(answer.text);
  res.writeHead(answer.status, headers);
  res.end(answer.text);
  return Promise.resolve();
}
