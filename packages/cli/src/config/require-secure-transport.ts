import { CliError } from '../cli-error.js';
import type { CliIo } from '../cli-io.js';
import { warn } from '../output/warn.js';

/**
 * A loopback host: `localhost`, 127.0.0.0/8 (RFC 1122 §3.2.1.3) or `::1`
 * (RFC 4291 §2.5.3). `hostname` is a WHATWG URL's, so `127.1` and
 * `2130706433` have already become `127.0.0.1`, and IPv6 is in brackets.
 *
 * @example
 * isLoopbackHost(new URL('http://[::1]:3000').hostname) // true
 */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

/**
 * True when `baseUrl` is plain HTTP to a host that is not this machine: what
 * `requireSecureTransport` refuses without `--insecure`.
 *
 * @example
 * isPlainHttpToAnotherHost('http://10.0.0.5/auth') // true
 */
export function isPlainHttpToAnotherHost(baseUrl: string): boolean {
  const url = new URL(baseUrl);
  return url.protocol !== 'https:' && !isLoopbackHost(url.hostname);
}

/**
 * Refuses to send a token over plain HTTP to another machine: anyone on the
 * path could read it, or answer in the server's place. RFC 6750 §5.3: clients
 * "MUST always use TLS" with bearer tokens; RFC 6749 §3.2 for the token
 * endpoint. Loopback stays allowed for local development; `--insecure` allows
 * the rest, with a warning every time.
 *
 * @example
 * requireSecureTransport(io, 'http://10.0.0.5/auth', { insecure: true, json: false });
 */
export function requireSecureTransport(
  io: CliIo,
  baseUrl: string,
  options: { insecure?: boolean; json?: boolean },
): void {
  if (!isPlainHttpToAnotherHost(baseUrl)) return;
  const { origin } = new URL(baseUrl);
  if (!options.insecure)
    throw new CliError(
      'INSECURE_BASE_URL',
      `Refusing to send a token over plain HTTP to ${origin}: use https://, ` +
        'or pass --insecure if this network is trusted',
    );
  warn(
    io,
    options.json,
    'INSECURE_TRANSPORT',
    `--insecure: the token travels unencrypted to ${origin}`,
  );
}
