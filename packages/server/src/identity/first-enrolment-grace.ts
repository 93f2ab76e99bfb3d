import type { ResolvedConfig } from '../config/resolve-config.js';
import { requestOrigin } from '../http/client-address.js';
import { currentOwner } from '../owner/current-owner.js';
import type { Services } from '../services.js';

/**
 * The RP ID a request may reach without signing in because nothing is enrolled
 * for it yet (first-enrolment grace), or null. The RP ID comes from the
 * request's own host (its URL, or `X-Forwarded-Host` only with `trustProxy`),
 * never from `Origin`, which any client other than a browser sets freely; and:
 * - the host's origin must be configured, and an `Origin` header, when sent,
 *   must be that same origin;
 * - the host must be able to hold a passkey: not an IP literal (WebAuthn L3
 *   §5.1.4.1 refuses them as RP IDs) and not plain http on a name other than
 *   `localhost` (browsers offer WebAuthn only in secure contexts);
 * - in owner mode, grace ends everywhere once the instance has an owner: the
 *   owner's other devices enrol through pairing.
 *
 * @example
 * const rpId = await firstEnrolmentGrace(services, request);
 * if (rpId) headers.set('x-latchkey-grace', rpId);
 */
export async function firstEnrolmentGrace(
  services: Services,
  request: Request,
): Promise<string | null> {
  const { config, enrolment } = services;
  const origin = requestOrigin(request, new URL(request.url), config.trustProxy);
  if (!config.webOrigins.has(origin)) return null;
  const sent = request.headers.get('origin');
  if (sent !== null && sent !== origin) return null;
  if (!canHoldPasskey(new URL(origin))) return null;
  if (config.mode === 'owner' && (await currentOwner(services))) return null;
  const rpId = rpIdOf(config, origin);
  if (rpId === null || (await enrolment.hasPasskeys(rpId))) return null;
  return rpId;
}

function canHoldPasskey(url: URL): boolean {
  const host = url.hostname.toLowerCase();
  if (host.startsWith('[') || /^\d{1,3}(\.\d{1,3}){3}$/.test(host)) return false;
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && (host === 'localhost' || host.endsWith('.localhost'));
}

function rpIdOf(config: ResolvedConfig, origin: string): string | null {
  try {
    return config.rpIdFor(origin);
  } catch {
    return null;
  }
}
