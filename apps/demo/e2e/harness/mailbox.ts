import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import type { MailboxEntry } from '../../server/demo-mail.js';
import { openPage, WAIT, waitForText } from './page-checks.js';

/**
 * Waits until the demo's development mailbox (`GET /api/dev/mailbox`) holds `count`
 * emails of `template` to `to` (mail goes out after the answer, so it is asked again
 * until then, within WAIT) and returns the newest one's link.
 *
 * @example
 * const link = await linkFromMailbox(demo.url, 'ada@example.com', 'magicLink', 1);
 */
export async function linkFromMailbox(
  baseUrl: string,
  to: string,
  template: string,
  count: number,
): Promise<string> {
  let found: MailboxEntry[] = [];
  await expect
    .poll(
      async () => {
        const answer = await fetch(`${baseUrl}/api/dev/mailbox`, {
          signal: AbortSignal.timeout(WAIT),
        });
        expect(answer.status).toBe(200);
        const { messages } = (await answer.json()) as { messages: MailboxEntry[] };
        found = messages.filter((m) => m.to === to && m.template === template);
        return found.length;
      },
      { timeout: WAIT, interval: 100 },
    )
    .toBe(count);
  const link = found[0]?.link;
  expect(link).toMatch(new RegExp(`^${baseUrl}/email-link#token=[A-Za-z0-9_-]{40,}$`));
  return link!;
}

/**
 * Opens the verification link a sign-up with `email` was sent: with `email` configured,
 * the address joins the account only then. Leaves the page on `/email-link`.
 *
 * @example
 * await verifyAddress(laptop.page, demo.url, 'ada@example.com');
 */
export async function verifyAddress(page: Page, baseUrl: string, email: string): Promise<void> {
  const link = await linkFromMailbox(baseUrl, email, 'verifyEmail', 1);
  await openPage(page, link, 'Email link');
  await waitForText(
    page.locator('[data-latchkey-email-landing] [role="status"]'),
    'Your email address is verified.',
  );
}
