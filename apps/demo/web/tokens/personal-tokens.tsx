import type { CreateTokenResponse, TokenInfo } from '@latchkey/core';
import { useLatchkeyClient } from '@latchkey/react';
import { useState } from 'react';
import { formatDateTime } from '../formatting/format-date-time.js';
import { useRevocableList } from '../lists/use-revocable-list.js';
import { Link } from '../navigation/link.js';
import { CreateTokenForm } from './create-token-form.js';
import { NewTokenSecret } from './new-token-secret.js';

/**
 * The account's tokens for scripts and agents (`GET /auth/tokens`): name, access,
 * an agent badge, when each was made, expires and was last used, and a button that
 * revokes it at once (`DELETE /auth/tokens/:id`). Below, a form to make one.
 *
 * @example
 * <PersonalTokens />
 */
export function PersonalTokens() {
  const client = useLatchkeyClient();
  const [created, setCreated] = useState<CreateTokenResponse | null>(null);
  const {
    items: tokens,
    busy,
    message,
    setMessage,
    load,
    revoke: revokeItem,
  } = useRevocableList(
    () => client.listTokens(),
    (data) => data.tokens,
    (token) => client.revokeToken({ id: token.id }),
  );

  const revoke = (token: TokenInfo) =>
    revokeItem(
      token,
      () => `Revoked “${token.name}”: anything still using it is refused from now on.`,
    );

  return (
    <div aria-busy={tokens === null || busy !== null}>
      <p className="muted">
        Scripts and AI agents cannot use a passkey, so they use a token you approve. Make one here,
        or run <code>latchkey login --base-url {window.location.origin}</code> and approve it on{' '}
        <Link to="/device">Approve a device</Link>.
      </p>
      {tokens === null && !message && <p className="muted">Loading…</p>}
      {tokens && tokens.length === 0 && <p>No tokens yet.</p>}
      {tokens && tokens.length > 0 && (
        <ul className="session-list token-list">
          {tokens.map((token) => (
            <li key={token.id} data-token-id={token.id}>
              <div>
                <strong>{token.name}</strong>
                {token.agent && <span className="badge">AI agent</span>}
                <div className="muted">
                  Access: {token.scopes.join(', ')} · made {formatDateTime(token.createdAt)} ·{' '}
                  {token.expiresAt ? `expires ${formatDateTime(token.expiresAt)}` : 'never expires'}{' '}
                  ·{' '}
                  {token.lastUsedAt
                    ? `last used ${formatDateTime(token.lastUsedAt)}`
                    : 'never used'}
                </div>
              </div>
              <button
                type="button"
                className="button-danger"
                aria-label={`Revoke ${token.name}`}
                aria-disabled={busy !== null || undefined}
                onClick={() => void revoke(token)}
              >
                Revoke
              </button>
            </li>
          ))}
        </ul>
      )}
      <p role="status" className={message?.tone === 'success' ? 'success' : 'error'}>
        {message?.text}
      </p>
      {created ? (
        <NewTokenSecret created={created} onDone={() => setCreated(null)} />
      ) : (
        <CreateTokenForm
          onCreated={(answer) => {
            setCreated(answer);
            setMessage(null);
            void load();
          }}
        />
      )}
    </div>
  );
}
