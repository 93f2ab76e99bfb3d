import type { EmailMessage, EmailTransport } from './email-transport.js';

/**
 * For development: logs each email (its text part, links included) instead of
 * sending it. Never use it in production: whoever reads the logs can sign in
 * as anyone who asked for a link.
 *
 * @example
 * createLatchkey({ …, email: { from: 'dev@localhost', transport: consoleTransport() } });
 */
export function consoleTransport(
  log: (line: string) => void = (line) => console.info(line),
): EmailTransport {
  return {
    async send(message: EmailMessage) {
      log(
        `[latchkey] email to ${message.to} from ${message.from}\nSubject: ${message.subject}\n\n${message.text}`,
      );
    },
  };
}
