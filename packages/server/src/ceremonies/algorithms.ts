/**
 * The signature algorithms a new passkey may use (WebAuthn L3 §5.4 `pubKeyCredParams`),
 * as COSE algorithm identifiers (RFC 9053, RFC 9864 for ML-DSA).
 */
export const DEFAULT_ALGORITHMS: readonly number[] = [-8, -7, -257];

/** ML-DSA-44, -65 and -87 (FIPS 204), by COSE identifier, with their Web Crypto names. */
const ML_DSA: ReadonlyMap<number, string> = new Map([
  [-48, 'ML-DSA-44'],
  [-49, 'ML-DSA-65'],
  [-50, 'ML-DSA-87'],
]);

/** What `config.webauthn.algorithms` may name: Ed25519, ES256, RS256 and ML-DSA. */
export const KNOWN_ALGORITHMS: readonly number[] = [...DEFAULT_ALGORITHMS, ...ML_DSA.keys()];

const canVerify = new Map<string, Promise<boolean>>();

/** Whether this runtime's Web Crypto has the algorithm (asked once per process). */
function runtimeHas(name: string): Promise<boolean> {
  let known = canVerify.get(name);
  if (!known) {
    // Generating a key pair is the cheapest question every Web Crypto answers alike.
    const algorithm: Parameters<typeof crypto.subtle.generateKey>[0] = { name };
    known = crypto.subtle.generateKey(algorithm, false, ['sign', 'verify']).then(
      () => true,
      () => false,
    );
    canVerify.set(name, known);
  }
  return known;
}

/**
 * The configured algorithms this runtime can verify, in the configured order.
 * ML-DSA needs a Web Crypto that has it (Node 24.7 and later, for one): where it
 * is missing, the ML-DSA entries are left out of the offer, and `logger` is told
 * once, so no passkey is ever made that this server could not check.
 *
 * @example
 * await offeredAlgorithms([-49, -7], config.logger) // [-7] on Node 20, [-49, -7] on Node 24
 */
export async function offeredAlgorithms(
  configured: readonly number[],
  logger: (message: string, error: unknown) => void,
): Promise<number[]> {
  const offered: number[] = [];
  const missing: string[] = [];
  for (const alg of configured) {
    const name = ML_DSA.get(alg);
    if (name && !(await runtimeHas(name))) missing.push(name);
    else offered.push(alg);
  }
  if (missing.length > 0) warnOnce(missing, logger);
  return offered;
}

const warned = new Set<string>();

function warnOnce(missing: string[], logger: (message: string, error: unknown) => void) {
  const key = missing.join();
  if (warned.has(key)) return;
  warned.add(key);
  logger(
    `config.webauthn.algorithms: this runtime's Web Crypto has no ${missing.join(', ')}, so new passkeys are not offered ${missing.length > 1 ? 'them' : 'it'}`,
    undefined,
  );
}
