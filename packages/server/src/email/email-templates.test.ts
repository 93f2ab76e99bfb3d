import { describe, expect, it } from 'vitest';
import { createLatchkey } from '../create-latchkey.js';
import { memoryStore } from '../stores/memory/memory-store.js';
import { consoleTransport } from './console-transport.js';
import { escapeHtml, renderEmail } from './email-templates.js';

const values = {
  appName: 'Ada & <Co>',
  email: 'ada"@example.com',
  minutes: 15,
  url: 'https://acme.example/link#token=a"b<c',
};

describe('renderEmail', () => {
  it('fills the text part as is and escapes every value in the HTML part', () => {
    const email = renderEmail('magicLink', values, {});
    expect(email.subject).toBe('Your sign-in link for Ada & <Co>');
    expect(email.text).toContain('Sign in to Ada & <Co>');
    expect(email.text).toContain('https://acme.example/link#token=a"b<c');
    expect(email.html).toContain('Sign in to Ada &amp; &lt;Co&gt;');
    expect(email.html).toContain('href="https://acme.example/link#token=a&quot;b&lt;c"');
    expect(email.html).not.toMatch(/<Co>|a"b/);
  });

  it('takes overrides of any string, escaped like the defaults, and keeps the subject on one line', () => {
    const email = renderEmail('verifyEmail', values, {
      verifyEmail: {
        subject: 'Bitte bestätigen\r\nBcc: x@evil',
        action: '<b>Bestätigen</b> {email}',
      },
    });
    expect(email.subject).toBe('Bitte bestätigen Bcc: x@evil');
    expect(email.text).toContain('<b>Bestätigen</b> ada"@example.com:');
    expect(email.html).toContain('&lt;b&gt;Bestätigen&lt;/b&gt; ada&quot;@example.com');
    // Untouched strings stay the defaults.
    expect(email.text).toContain('Confirm that ada"@example.com is yours');
  });

  it('escapes the five HTML-special characters', () => {
    expect(escapeHtml(`&<>"'`)).toBe('&amp;&lt;&gt;&quot;&#39;');
  });
});

describe('config.email', () => {
  const base = { rpName: 'Acme', origins: ['https://acme.example'], store: memoryStore() };
  it('refuses what would fail later', () => {
    const transport = consoleTransport(() => {});
    expect(() => createLatchkey({ ...base, fallbacks: { magicLink: true } })).toThrow(
      /fallbacks.magicLink/,
    );
    expect(() =>
      createLatchkey({ ...base, email: { from: 'a\r\nBcc: b@x.y', transport } }),
    ).toThrow(/email.from/);
    expect(() =>
      createLatchkey({ ...base, email: { from: 'a@acme.example', transport: {} as never } }),
    ).toThrow(/email.transport/);
    expect(() =>
      createLatchkey({
        ...base,
        email: { from: 'a@acme.example', transport, linkUrl: 'https://evil.example/x' },
      }),
    ).toThrow(/email.linkUrl/);
    expect(() =>
      createLatchkey({
        ...base,
        email: { from: 'a@acme.example', transport, templates: { nope: {} } as never },
      }),
    ).toThrow(/email.templates.nope/);
    expect(() =>
      createLatchkey({ ...base, email: { from: 'Acme <no-reply@acme.example>', transport } }),
    ).not.toThrow();
  });

  it('consoleTransport logs the message, link included', async () => {
    const lines: string[] = [];
    await consoleTransport((line) => lines.push(line)).send({
      from: 'a@acme.example',
      to: 'ada@example.com',
      template: 'magicLink',
      ...renderEmail('magicLink', { ...values, email: 'ada@example.com' }, {}),
    });
    expect(lines.join('\n')).toContain('ada@example.com');
    expect(lines.join('\n')).toContain('https://acme.example/link#token=a"b<c');
  });
});
