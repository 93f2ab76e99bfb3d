/**
 * Where an adapter keeps a request's URL once parsed (a registered symbol: the
 * adapters may sit in another bundle than the handler).
 */
export const PARSED_URL = Symbol.for('latchkey.parsedUrl');

/**
 * The parsed URL of a request: the node adapters parse it once when they make
 * the request; any other request's URL is parsed now.
 *
 * @example
 * const { pathname } = urlOf(request);
 */
export function urlOf(request: Request): URL {
  return (request as Request & { [PARSED_URL]?: URL })[PARSED_URL] ?? new URL(request.url);
}
