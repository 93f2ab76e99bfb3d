import { base64urlEncode } from '@latchkey/core';
import type { Services } from '../services.js';
import type { CredentialShape } from '../stores/contract.js';

export type Descriptor = { id: string; transports?: string[] };

/** One decoy source (and so one cached mix) per `createLatchkey`. */
const instances = new WeakMap<Services, (email: string) => Promise<Descriptor[]>>();

/** How long an instance reuses the deployment's mix before reading it again. */
const SHAPES_TTL_MS = 10 * 60_000;

/** Transports a browser reports (WebAuthn L3 §5.8.4 and `cable`); anything else stays out of decoys. */
const KNOWN_TRANSPORTS = new Set([
  'ble',
  'cable',
  'hybrid',
  'internal',
  'nfc',
  'smart-card',
  'usb',
]);

/**
 * The mix before the deployment has passkeys of its own: platform passkeys
 * synced by Apple, Google and Windows, then security keys. Ids in base64url
 * characters (16, 20 and 32 bytes; 64 bytes for many security keys).
 */
const PRIOR: CredentialShape[] = [
  { transports: ['hybrid', 'internal'], idLength: 22, count: 8 },
  { transports: ['hybrid', 'internal'], idLength: 27, count: 6 },
  { transports: ['internal'], idLength: 43, count: 3 },
  { transports: ['nfc', 'usb'], idLength: 86, count: 2 },
];

/**
 * A share of the mix, rounded to 5 %: a shape's weight (and so the decoys it is
 * picked for) changes only when its share crosses a step, not with every new
 * passkey. Shapes under 2.5 % (and unknown transports) are left out, so a few
 * odd registrations cannot put their shape into every decoy list.
 */
function weighted(shapes: CredentialShape[]): { shape: CredentialShape; weight: number }[] {
  const usable = shapes.filter(
    (s) =>
      s.idLength >= 16 && s.idLength <= 1366 && s.transports.every((t) => KNOWN_TRANSPORTS.has(t)),
  );
  const total = usable.reduce((sum, s) => sum + s.count, 0);
  const out = usable
    .map((shape) => ({ shape, weight: Math.round((shape.count / total) * 20) / 20 }))
    .filter((w) => w.weight > 0);
  return out.length > 0 ? out : PRIOR.map((shape) => ({ shape, weight: shape.count }));
}

/** A number in (0, 1] from four bytes of a MAC. */
function unit(bytes: Uint8Array, offset: number): number {
  const n =
    ((bytes[offset]! << 24) |
      (bytes[offset + 1]! << 16) |
      (bytes[offset + 2]! << 8) |
      bytes[offset + 3]!) >>>
    0;
  return (n + 1) / 2 ** 32;
}

/**
 * Decoy credentials for an email with no account, or an account with no passkey
 * for this RP ID, so the sign-in options do not tell who has an account (no user
 * enumeration). Each decoy's transports and id length are drawn from the
 * deployment's own mix of active passkeys (`store.credentialShapes()`, read at
 * most every 10 minutes), by weighted rendezvous hashing keyed with an HMAC of
 * the email under a key derived from the server secret: the same email gets the
 * same one to three ids on every instance and every ask, and a new passkey moves
 * no email's decoys unless it moves a shape's rounded share.
 *
 * @example
 * const decoys = createDecoys(services); // the same function for the same services
 * const allowCredentials = await decoys('nobody@example.com');
 */
export function createDecoys(services: Services): (email: string) => Promise<Descriptor[]> {
  const known = instances.get(services);
  if (known) return known;
  let cache: { shapes: ReturnType<typeof weighted>; readAt: number } | null = null;
  let reading: Promise<ReturnType<typeof weighted>> | null = null;

  const mix = async (now: number) => {
    if (cache && now - cache.readAt < SHAPES_TTL_MS && now >= cache.readAt) return cache.shapes;
    reading ??= services.store
      .credentialShapes()
      .then((shapes) => {
        const w = weighted(shapes);
        cache = { shapes: w, readAt: now };
        return w;
      })
      .finally(() => {
        reading = null;
      });
    return reading;
  };

  const decoys = async (email: string): Promise<Descriptor[]> => {
    const keys = await services.keys();
    const shapes = await mix(services.config.now());
    const seed = await keys.mac('decoy', email);
    const count = 1 + (seed[0]! % 3);
    const out: Descriptor[] = [];
    for (let i = 0; i < count; i++) {
      // Weighted rendezvous hashing: the shape with the smallest -ln(u)/w wins.
      let best: CredentialShape = shapes[0]!.shape;
      let bestScore = Number.POSITIVE_INFINITY;
      for (const { shape, weight } of shapes) {
        const u = unit(
          await keys.mac(
            'decoy',
            `${email}\n${i}\n${shape.transports.join(',')}\n${shape.idLength}`,
          ),
          0,
        );
        const score = -Math.log(u) / weight;
        if (score < bestScore) {
          bestScore = score;
          best = shape;
        }
      }
      out.push({
        id: await decoyId(keys, email, i, best.idLength),
        transports: [...best.transports],
      });
    }
    return out;
  };
  instances.set(services, decoys);
  return decoys;
}

/**
 * A decoy id of `length` base64url characters: the encoding of MAC bytes, so
 * its last character is as constrained as a real id's of that length.
 */
async function decoyId(
  keys: Awaited<ReturnType<Services['keys']>>,
  email: string,
  index: number,
  length: number,
): Promise<string> {
  const size = Math.floor((length * 3) / 4);
  const bytes = new Uint8Array(size);
  for (let block = 0, filled = 0; filled < size; block++) {
    const mac = await keys.mac('decoy', `${email}\n${index}\nid\n${block}`);
    bytes.set(mac.subarray(0, size - filled), filled);
    filled += Math.min(mac.length, size - filled);
  }
  return base64urlEncode(bytes);
}
