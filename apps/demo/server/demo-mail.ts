import {
  consoleTransport,
  type EmailMessage,
  type EmailTransport,
  memoryTransport,
} from '@latchkey/server';

/** One sent email as `GET /api/dev/mailbox` lists it. */
export interface MailboxEntry {
  /** 1 for the first email sent since the server started, then 2, 3… */
  id: number;
  to: string;
  subject: string;
  template: string;
  /** The first link in the text part (a sign-in or verification link), or null. */
  link: string | null;
}

export interface DemoMail {
  transport: EmailTransport;
  /** The messages sent so far, newest first; `null` when there is no development mailbox. */
  mailbox: (() => MailboxEntry[]) | null;
}

/**
 * Where the demo's mail goes: with `smtpUrl`, out through real SMTP (TLS);
 * otherwise kept in memory for the development mailbox (`/dev/mailbox`) and
 * its link logged. In production without SMTP, mail is only logged: nothing
 * keeps it, and no page shows it.
 *
 * @example
 * const mail = await demoMail({ smtpUrl: process.env.SMTP_URL, production: false });
 */
export async function demoMail(options: {
  smtpUrl?: string | undefined;
  production?: boolean | undefined;
  log?: (line: string) => void;
}): Promise<DemoMail> {
  if (options.smtpUrl) {
    // Loaded only when asked for: the SMTP transport needs Node's net and tls, and nodemailer.
    const { smtpTransport } = await import('@latchkey/server/smtp');
    return { transport: smtpTransport(options.smtpUrl), mailbox: null };
  }
  if (options.production) return { transport: consoleTransport(), mailbox: null };
  const memory = memoryTransport();
  const log = options.log ?? ((line: string) => console.log(line));
  return {
    transport: {
      async send(message) {
        await memory.send(message);
        log(`mail to ${message.to}: ${message.subject} ${linkOf(message) ?? ''}`.trimEnd());
      },
    },
    mailbox: () =>
      memory.messages
        .map((message, index) => ({
          id: index + 1,
          to: message.to,
          subject: message.subject,
          template: message.template,
          link: linkOf(message),
        }))
        .reverse(),
  };
}

function linkOf(message: EmailMessage): string | null {
  return /https?:\/\/\S+/.exec(message.text)?.[0] ?? null;
}
