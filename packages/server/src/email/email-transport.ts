/** One email, ready to send: both parts of a rendered template. */
export interface EmailMessage {
  /** The sender, `config.email.from` (`Acme <no-reply@acme.example>`). */
  from: string;
  /** One recipient address. */
  to: string;
  subject: string;
  /** The plain-text part. */
  text: string;
  /** The HTML part; every interpolated value is HTML-escaped. */
  html: string;
  /** Which template made it (`magicLink`, `verifyEmail`, `signUpAttempt`). */
  template: string;
}

/**
 * Where emails go: `smtpTransport(url)` from `@latchkey/server/smtp`,
 * `consoleTransport()` in development, `memoryTransport()` in tests, or any
 * object with a `send` that resolves once the message is handed over.
 *
 * @example
 * const transport: EmailTransport = { send: async (message) => queue.push(message) };
 */
export interface EmailTransport {
  send(message: EmailMessage): Promise<void>;
}
