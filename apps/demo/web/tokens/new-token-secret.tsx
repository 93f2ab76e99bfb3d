import type { CreateTokenResponse } from '@latchkey/core';
import { useEffect, useId, useRef, useState } from 'react';

export interface NewTokenSecretProps {
  created: CreateTokenResponse;
  /** "I have copied it": the token text is gone for good after this. */
  onDone: () => void;
}

/**
 * A new token's text, shown once (the server keeps only its hash), with a copy
 * button and a warning. Focus moves here so the person sees it at once.
 *
 * @example
 * {created && <NewTokenSecret created={created} onDone={() => setCreated(null)} />}
 */
export function NewTokenSecret({ created, onDone }: NewTokenSecretProps) {
  const id = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);

  useEffect(() => {
    heading.current?.focus();
  }, []);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(created.token);
      setCopied('yes');
    } catch {
      // No clipboard permission (or an insecure context): the text is selectable instead.
      setCopied('failed');
    }
  };

  return (
    <section className="panel-inset new-token" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`} ref={heading} tabIndex={-1}>
        Your new token “{created.info.name}”
      </h3>
      <p className="warning">
        Copy it now: this is the only time it is shown. Anyone who has it can act as you, within its
        access, until it expires or you revoke it. Keep it in a secret store, never in code.
      </p>
      <p>
        <code className="secret" data-testid="new-token">
          {created.token}
        </code>
      </p>
      <div className="actions">
        <button type="button" className="button-secondary" onClick={() => void copy()}>
          Copy token
        </button>
        <button type="button" className="button-primary" onClick={onDone}>
          I have copied it
        </button>
      </div>
      <p role="status" className={copied === 'failed' ? 'error' : 'success'}>
        {copied === 'yes'
          ? 'Copied to the clipboard.'
          : copied === 'failed'
            ? 'This browser would not copy it: select the token and copy it yourself.'
            : null}
      </p>
    </section>
  );
}
