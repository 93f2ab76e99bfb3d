import type { Locator, Page } from 'playwright-core';

/** How long any single wait in the journey may take. */
export const WAIT = 15_000;

/** An HTTP answer read from inside the page (with its cookies). */
export interface PageAnswer<T = unknown> {
  status: number;
  body: T;
}

/**
 * Calls a same-origin JSON endpoint from the page, so the request carries that
 * device's cookies, exactly as the app's own calls do: when the page holds a
 * device key (IndexedDB `latchkey`, record `pop`) the request carries a
 * `Latchkey-Proof` signed with it, as `signedFetch` makes it; with
 * `{ unsigned: true }` it goes without, as a copied cookie would.
 *
 * @example
 * const me = await fetchFromPage(alice.page, '/api/me');
 * expect(me.status).toBe(401);
 */
export function fetchFromPage<T = unknown>(
  page: Page,
  path: string,
  options: { unsigned?: boolean } = {},
): Promise<PageAnswer<T>> {
  return page.evaluate(
    async ({ url, unsigned }) => {
      const headers: Record<string, string> = { accept: 'application/json' };
      // Opening a database that is not there would create it empty: look first.
      const known = (await indexedDB.databases()).some((d) => d.name === 'latchkey');
      const pair =
        unsigned || !known
          ? undefined
          : await new Promise<CryptoKeyPair | undefined>((resolve, reject) => {
              const opened = indexedDB.open('latchkey');
              opened.onerror = () => reject(opened.error);
              opened.onsuccess = () => {
                const db = opened.result;
                if (!db.objectStoreNames.contains('device-keys')) {
                  db.close();
                  resolve(undefined);
                  return;
                }
                const read = db.transaction('device-keys').objectStore('device-keys').get('pop');
                read.onerror = () => reject(read.error);
                read.onsuccess = () => {
                  db.close();
                  resolve(read.result as CryptoKeyPair | undefined);
                };
              };
            });
      if (pair) {
        const b64url = (bytes: Uint8Array) =>
          btoa(String.fromCharCode(...bytes))
            .replace(/\+/g, '-')
            .replace(/\//g, '_')
            .replace(/=+$/, '');
        const iat = Math.floor(Date.now() / 1000);
        const nonce = b64url(crypto.getRandomValues(new Uint8Array(16)));
        const { origin, pathname } = new URL(url, location.href);
        // Core's requestProofMessage, written out: this runs in the page.
        const message = `latchkey-proof/2\nGET\n${origin}\n${pathname}\n${iat}\n${nonce}`;
        const signature = await crypto.subtle.sign(
          { name: 'ECDSA', hash: 'SHA-256' },
          pair.privateKey,
          new TextEncoder().encode(message),
        );
        headers['latchkey-proof'] = `${iat}.${nonce}.${b64url(new Uint8Array(signature))}`;
      }
      const response = await fetch(url, { headers });
      return { status: response.status, body: (await response.json()) as T };
    },
    { url: path, unsigned: options.unsigned ?? false },
  );
}

/**
 * Waits until `locator` (its first match) shows `text`, then returns its whole text.
 * On a timeout the error says what was shown instead.
 *
 * @example
 * await waitForText(page.locator('[data-latchkey-sign-in] [role=status]'), /only passkey/);
 */
export async function waitForText(
  locator: Locator,
  text: string | RegExp,
  timeout = WAIT,
): Promise<string> {
  try {
    await locator.filter({ hasText: text }).first().waitFor({ state: 'visible', timeout });
  } catch (error) {
    const shown = await locator
      .allTextContents()
      .then((all) => JSON.stringify(all))
      .catch(() => '(nothing)');
    throw new Error(`Expected ${String(text)} within ${timeout} ms; the page showed ${shown}`, {
      cause: error,
    });
  }
  return (await locator.filter({ hasText: text }).first().textContent({ timeout })) ?? '';
}

/**
 * Goes to a path of the app and waits for that page's heading.
 *
 * @example
 * await openPage(alice.page, `${demo.url}/account`, 'Account security');
 */
export async function openPage(page: Page, url: string, heading: string): Promise<void> {
  await page.goto(url, { waitUntil: 'domcontentloaded', timeout: WAIT });
  await page.getByRole('heading', { level: 1, name: heading }).waitFor({ timeout: WAIT });
}

/**
 * CDP reports credential ids in standard base64; the server and the app use base64url.
 *
 * @example
 * toBase64url('a+b/c==') // 'a-b_c'
 */
export function toBase64url(base64: string): string {
  return base64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
