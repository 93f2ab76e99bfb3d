import { randomToken } from '../internal/crypto.js';
import { ServerKeys } from '../internal/server-keys.js';
import type { LatchkeyStore } from '../stores/contract.js';
import type { ResolvedConfig } from './resolve-config.js';
import { secretFromFile } from './server-secret.js';

/** The name the secret had in the store before it moved out (still read in development). */
const STORE_SECRET_NAME = 'latchkey.secret';

/**
 * The server keys, loaded once on first use from where `config.secret` says (a
 * failed load, say an unreadable file or a store that is down, is tried again on
 * the next call). With no secret but the store's, warns once at start that a read
 * of the store then signs people in.
 *
 * @example
 * const keys = serverKeys(config, store);
 * const hash = await (await keys()).hash('token', presented);
 */
export function serverKeys(
  config: ResolvedConfig,
  store: LatchkeyStore,
): () => Promise<ServerKeys> {
  const source = config.secret;
  if (source.kind === 'store') {
    config.logger(
      'no server secret: keeping it in the store, so a read of the store signs people in. ' +
        'Set `secret` (or LATCHKEY_SECRET) outside the store; production refuses to start without it.',
      null,
    );
  }
  let pending: Promise<ServerKeys> | null = null;
  return () => {
    pending ??= (async () => {
      if (source.kind === 'given') return ServerKeys.derive(source.secrets);
      const secret =
        source.kind === 'file'
          ? await secretFromFile(source.path, randomToken(48))
          : await store.getOrCreateSecret(STORE_SECRET_NAME, randomToken(32));
      return ServerKeys.derive([secret]);
    })();
    pending.catch(() => {
      pending = null;
    });
    return pending;
  };
}
