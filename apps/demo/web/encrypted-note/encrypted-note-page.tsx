import { useSession } from '@latchkey/react';
import { PasskeyKeyUnlock, usePasskeyKey } from '@latchkey/react/locked';
import { type FormEvent, useEffect, useId, useState } from 'react';
import { describeError, ERROR_SENTENCES } from '../errors/describe-error.js';
import { Page } from '../layout/page.js';
import { RequireSession } from '../layout/require-session.js';

/**
 * A note encrypted with a key only the user's passkeys can produce (the WebAuthn
 * PRF extension, through `usePasskeyKey` from `@latchkey/react/locked`). This
 * browser keeps only the ciphertext; the server keeps only the data key wrapped
 * for each passkey, so neither can read the note without a passkey.
 *
 * @example
 * <EncryptedNotePage />
 */
export function EncryptedNotePage() {
  return (
    <Page
      title="Encrypted note"
      intro="A note only your passkeys can open. Unlocking asks your passkey for a secret (the PRF extension); the key made from it never leaves this page, and the server stores nothing it could read."
    >
      <RequireSession>
        <EncryptedNote />
      </RequireSession>
    </Page>
  );
}

// The ciphertext lives in this browser, per account: the server never holds the note at all.
const storageKey = (userId: string) => `latchkey-demo:note:${userId}`;

function EncryptedNote() {
  const { user } = useSession();
  const key = usePasskeyKey();
  const id = useId();
  const userId = user?.id ?? '';
  const [saved, setSaved] = useState<string | null>(() => read(storageKey(userId)));
  const [draft, setDraft] = useState('');
  const [opened, setOpened] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const unlocked = key.status === 'unlocked';
  const { decryptText } = key;

  // Open the saved note whenever the key is unlocked; forget the plaintext when it locks.
  useEffect(() => {
    if (!unlocked) {
      setOpened(null);
      return;
    }
    if (!saved) return;
    let live = true;
    void decryptText(saved, { aad: noteAad(userId) }).then((result) => {
      if (!live) return;
      if (result.error) setProblem(describeError(result.error));
      else {
        setOpened(result.data);
        setDraft(result.data);
      }
    });
    return () => {
      live = false;
    };
  }, [unlocked, saved, decryptText, userId]);

  const save = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setProblem(null);
    const envelope = await key.encrypt(draft, { aad: noteAad(userId) });
    write(storageKey(userId), envelope);
    setSaved(envelope);
    setOpened(draft);
  };

  return (
    <>
      <section className="panel" aria-labelledby={`${id}-key`}>
        <h2 id={`${id}-key`}>Your key</h2>
        <PasskeyKeyUnlock labels={{ errors: ERROR_SENTENCES }} />
      </section>
      <section className="panel" aria-labelledby={`${id}-note`}>
        <h2 id={`${id}-note`}>The note</h2>
        {saved ? (
          <p className="muted">
            Stored in this browser, encrypted:{' '}
            <code data-testid="note-ciphertext" className="break">
              {saved}
            </code>
          </p>
        ) : (
          <p className="muted">No note yet.</p>
        )}
        {unlocked ? (
          <form className="form" onSubmit={save}>
            {opened !== null && (
              <p>
                Decrypted: <strong data-testid="note-plaintext">{opened}</strong>
              </p>
            )}
            <div className="field">
              <label htmlFor={`${id}-text`}>Note</label>
              <textarea
                id={`${id}-text`}
                rows={4}
                value={draft}
                onChange={(event) => setDraft(event.target.value)}
              />
            </div>
            <div className="actions">
              <button type="submit">Encrypt and save</button>
            </div>
          </form>
        ) : (
          <p>Unlock with your passkey to read or write the note.</p>
        )}
        {problem && (
          <p role="alert" className="error">
            {problem}
          </p>
        )}
      </section>
    </>
  );
}

function read(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function write(key: string, value: string) {
  try {
    localStorage.setItem(key, value);
  } catch {
    // Storage blocked (some private modes): the note lasts as long as the page.
  }
}

/** Binds a note's ciphertext to its owner: copied into another account's slot, it does not open. */
function noteAad(userId: string): string {
  return `note:${userId}`;
}
