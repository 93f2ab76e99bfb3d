import type { ResolvedConfig } from '../config/resolve-config.js';
import { type EmailTemplateName, type EmailValues, renderEmail } from './email-templates.js';

/**
 * Sends Latchkey's emails off the request path: a route queues the work
 * (finding the account, storing a link, talking to the mail server) and
 * answers at once, so the answer and its timing never depend on whether the
 * address has an account or how slow the mail server is. Failures are logged,
 * never answered.
 */
export class Mailer {
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly config: ResolvedConfig) {}

  /** Whether `config.email` is set. */
  get enabled(): boolean {
    return this.config.email !== null;
  }

  /** Runs `task` after the answer is on its way; its errors are logged. */
  later(task: () => Promise<void>): void {
    const run = (async () => {
      // Yield first, so nothing of the task runs before the route answers.
      await new Promise<void>((resolve) => setTimeout(resolve, 0));
      await task();
    })().catch((error: unknown) => this.config.logger('email task failed', error));
    this.pending.add(run);
    void run.finally(() => this.pending.delete(run));
  }

  /** Renders template `name` for `to` and hands it to the transport. */
  async send(
    name: EmailTemplateName,
    to: string,
    values: Omit<EmailValues, 'appName' | 'email'>,
  ): Promise<void> {
    const email = this.config.email;
    if (!email) return;
    const rendered = renderEmail(
      name,
      { ...values, appName: this.config.rpName, email: to },
      email.templates,
    );
    await email.transport.send({ from: email.from, to, template: name, ...rendered });
  }

  /** Resolves once every queued task (those queued meanwhile too) has finished. */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }
}
