/**
 * `hash-wasm`, loaded on first use: only a deployment with `fallbacks.password`
 * ever loads it (and its WebAssembly), so no other bundle pays for it.
 */
const argon2 = () => import('hash-wasm');

/**
 * argon2id parameters of the OWASP Password Storage Cheat Sheet (its first
 * choice: m=19 MiB, t=2, p=1), a 16-byte random salt and a 32-byte hash.
 * `hash-wasm` runs it in WebAssembly: no native module to build.
 */
export const ARGON2_PARAMETERS = Object.freeze({
  memorySize: 19 * 1024, // KiB
  iterations: 2,
  parallelism: 1,
  hashLength: 32,
  saltLength: 16,
});

/**
 * The encoded PHC string of a (normalised) password: `$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`.
 * It carries its parameters, so raising them later still verifies old hashes.
 *
 * @example
 * await store.setPassword(user.id, await hashPassword('correct horse battery'), now);
 */
export async function hashPassword(password: string): Promise<string> {
  const { memorySize, iterations, parallelism, hashLength, saltLength } = ARGON2_PARAMETERS;
  const { argon2id } = await argon2();
  return argon2id({
    password,
    salt: crypto.getRandomValues(new Uint8Array(saltLength)),
    memorySize,
    iterations,
    parallelism,
    hashLength,
    outputType: 'encoded',
  });
}

/**
 * Whether `password` matches an encoded argon2id hash (false for a malformed one).
 *
 * @example
 * if (!(await verifyPassword(record.hash, password))) throw invalidCredentials();
 */
export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  const { argon2Verify } = await argon2();
  try {
    return await argon2Verify({ password, hash });
  } catch {
    return false;
  }
}

let dummy: Promise<string> | null = null;

/**
 * A hash of a random password with the same parameters, made once: a sign-in
 * for an address without an account (or without a password) verifies against
 * it, so it takes as long as a wrong password (OWASP Authentication Cheat
 * Sheet, "Authentication Responses").
 *
 * @example
 * const ok = await verifyPassword(record?.hash ?? (await dummyHash()), password);
 */
export function dummyHash(): Promise<string> {
  dummy ??= hashPassword(crypto.randomUUID()).catch((error: unknown) => {
    dummy = null;
    throw error;
  });
  return dummy;
}
