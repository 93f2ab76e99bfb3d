import type { EmailMessage, EmailTransport } from './email-transport.js';

/** A transport that keeps what it is given, for tests and a development mailbox. */
export interface MemoryTransport extends EmailTransport {
  /** Every message sent so far, oldest first. */
  readonly messages: readonly EmailMessage[];
  /** Resolves with the first message (already sent or still to come) that `match` accepts. */
  waitFor(match: (message: EmailMessage) => boolean): Promise<EmailMessage>;
}

/**
 * Keeps sent emails in memory: for tests, and for a development mailbox page
 * that shows them. Nothing leaves the process.
 *
 * @example
 * const mailbox = memoryTransport();
 * const mail = await mailbox.waitFor((m) => m.to === 'ada@example.com');
 */
export function memoryTransport(): MemoryTransport {
  const messages: EmailMessage[] = [];
  const waiting = new Set<{
    match: (m: EmailMessage) => boolean;
    resolve: (m: EmailMessage) => void;
  }>();
  return {
    messages,
    async send(message) {
      messages.push({ ...message });
      for (const waiter of waiting) {
        if (!waiter.match(message)) continue;
        waiting.delete(waiter);
        waiter.resolve({ ...message });
      }
    },
    waitFor(match) {
      const found = messages.find(match);
      if (found) return Promise.resolve({ ...found });
      return new Promise((resolve) => waiting.add({ match, resolve }));
    },
  };
}
