const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1', '0.0.0.0', '::']);

export interface DemoOriginsOptions {
  port: number;
  /** The interface the server listens on; a named one (a LAN name) is allowed too. */
  host: string;
  /** More origins, such as a tunnel's `https://demo.example.ts.net`. */
  extra: readonly string[];
}

/**
 * The web origins the demo accepts ceremonies from: `http://localhost:PORT` and
 * `http://127.0.0.1:PORT`, the listening host when it is a name of its own, and
 * any extra ones (trailing slashes dropped, duplicates removed).
 *
 * @example
 * demoOrigins({ port: 3000, host: 'localhost', extra: [] });
 * // ['http://localhost:3000', 'http://127.0.0.1:3000']
 */
export function demoOrigins({ port, host, extra }: DemoOriginsOptions): string[] {
  const origins = [`http://localhost:${port}`, `http://127.0.0.1:${port}`];
  if (!LOOPBACK.has(host))
    origins.push(`http://${host.includes(':') ? `[${host}]` : host}:${port}`);
  for (const origin of extra) {
    const trimmed = origin.trim().replace(/\/+$/, '');
    if (trimmed) origins.push(trimmed);
  }
  return [...new Set(origins)];
}

/**
 * Reads `LATCHKEY_ORIGINS`: origins separated by commas or spaces.
 *
 * @example
 * parseOriginList('https://a.example, https://b.example') // ['https://a.example', 'https://b.example']
 */
export function parseOriginList(value: string | undefined): string[] {
  return (value ?? '').split(/[\s,]+/).filter(Boolean);
}
