// @latchkey/server/smtp: the one entry point that loads nodemailer (an optional
// peer dependency), so the main entry stays free of Node built-ins.
import nodemailer from 'nodemailer';
import type { EmailMessage, EmailTransport } from './email-transport.js';

export type { EmailMessage, EmailTransport } from './email-transport.js';

export interface SmtpTransportOptions {
  /**
   * For `smtp://` URLs: refuse to send unless the server upgrades with STARTTLS
   * (RFC 3207). Default `true`; set `false` only for a local catcher such as
   * Mailpit that speaks no TLS. `smtps://` URLs use TLS from the first byte.
   */
  requireTLS?: boolean;
  /** Extra trust for the server's certificate (PEM), e.g. a private CA. Certificates are always verified. */
  ca?: string | string[];
  /** Milliseconds to wait for the connection and each reply. Default 15,000. */
  timeout?: number;
}

/**
 * Sends email over SMTP with nodemailer (install `nodemailer`). The URL names
 * the server and credentials: `smtps://user:pass@smtp.example:465` (implicit
 * TLS) or `smtp://user:pass@smtp.example:587` (STARTTLS, required by default).
 * The server's certificate is always verified.
 *
 * @example
 * import { smtpTransport } from '@latchkey/server/smtp';
 * createLatchkey({ …, email: { from: 'Acme <no-reply@acme.example>', transport: smtpTransport(process.env.SMTP_URL!) } });
 */
export function smtpTransport(url: string, options: SmtpTransportOptions = {}): EmailTransport {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError('smtpTransport: url must be an smtp:// or smtps:// URL');
  }
  if (parsed.protocol !== 'smtp:' && parsed.protocol !== 'smtps:')
    throw new TypeError('smtpTransport: url must be an smtp:// or smtps:// URL');
  const implicitTls = parsed.protocol === 'smtps:';
  const timeout = options.timeout ?? 15_000;
  const transporter = nodemailer.createTransport({
    host: parsed.hostname.replace(/^\[|\]$/g, ''),
    port: parsed.port ? Number(parsed.port) : implicitTls ? 465 : 587,
    secure: implicitTls,
    requireTLS: !implicitTls && options.requireTLS !== false,
    ...(parsed.username
      ? {
          auth: {
            user: decodeURIComponent(parsed.username),
            pass: decodeURIComponent(parsed.password),
          },
        }
      : {}),
    tls: {
      rejectUnauthorized: true,
      minVersion: 'TLSv1.2',
      ...(options.ca ? { ca: options.ca } : {}),
    },
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
  });
  return {
    async send(message: EmailMessage) {
      await transporter.sendMail({
        from: message.from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        html: message.html,
        headers: { 'X-Latchkey-Template': message.template },
      });
    },
  };
}
