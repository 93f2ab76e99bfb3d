/** The strings of one email; `{appName}`, `{email}` and `{minutes}` are filled in. */
export interface EmailLabels {
  subject: string;
  heading: string;
  /** The paragraph above the button. */
  body: string;
  /** The button (and, in the text part, the line before the link). */
  action: string;
  /** The small print under the button. */
  footer: string;
}

/** Every email Latchkey sends, by name. */
export type EmailTemplateName = 'magicLink' | 'verifyEmail' | 'signUpAttempt';

/** Per-template overrides of the strings (`config.email.templates`), like the React kit's `labels`. */
export type EmailTemplates = { [K in EmailTemplateName]?: Partial<EmailLabels> };

/** The English defaults. */
export const DEFAULT_EMAIL_LABELS: Readonly<Record<EmailTemplateName, EmailLabels>> = {
  magicLink: {
    subject: 'Your sign-in link for {appName}',
    heading: 'Sign in to {appName}',
    body: 'Use this link to sign in as {email}. It works once, for {minutes} minutes.',
    action: 'Sign in',
    footer:
      'If you did not ask for it, ignore this email: no one can sign in without the link. Add a passkey once you are in.',
  },
  verifyEmail: {
    subject: 'Confirm your email for {appName}',
    heading: 'Confirm your email',
    body: 'Confirm that {email} is yours, so {appName} can reach you if you lose your passkeys. The link works once, for {minutes} minutes.',
    action: 'Confirm my email',
    footer: 'If you did not sign up for {appName}, ignore this email.',
  },
  signUpAttempt: {
    subject: 'Someone tried to sign up to {appName} with your address',
    heading: 'You already have an account',
    body: 'Someone tried to sign up to {appName} as {email}, which already has an account. If it was you, sign in instead, with your passkey or an email link.',
    action: 'Sign in instead',
    footer:
      'If it was not you, you need not do anything: no account was made and yours is unchanged.',
  },
};

/** What a template is filled with. */
export interface EmailValues {
  appName: string;
  email: string;
  minutes: number;
  /** The button's target. */
  url: string;
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Escapes text for HTML content and quoted attribute values (OWASP XSS
 * prevention, rule 1 and 2).
 *
 * @example
 * escapeHtml('<b>"Ada"</b>') // '&lt;b&gt;&quot;Ada&quot;&lt;/b&gt;'
 */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

function fill(template: string, values: EmailValues): string {
  return template.replace(/\{(appName|email|minutes)\}/g, (_, key: keyof EmailValues) =>
    String(values[key]),
  );
}

/**
 * Renders one email's subject, text and HTML parts from its labels (the
 * defaults under `overrides`). Values are interpolated as they are in the text
 * part and HTML-escaped in the HTML part, labels included, so neither a
 * display name nor an override can inject markup.
 *
 * @example
 * renderEmail('magicLink', { appName: 'Acme', email: 'ada@example.com', minutes: 15, url }, {});
 */
export function renderEmail(
  name: EmailTemplateName,
  values: EmailValues,
  overrides: EmailTemplates,
): { subject: string; text: string; html: string } {
  const labels = { ...DEFAULT_EMAIL_LABELS[name], ...overrides[name] };
  const t = (key: keyof EmailLabels) => fill(labels[key], values);
  const h = (key: keyof EmailLabels) => escapeHtml(t(key));
  // Header injection: a subject is one line.
  const subject = t('subject').replace(/[\r\n]+/g, ' ');
  const text = `${t('heading')}\n\n${t('body')}\n\n${t('action')}:\n${values.url}\n\n${t('footer')}\n`;
  const url = escapeHtml(values.url);
  const html = `<!doctype html>
<html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(subject)}</title></head>
<body style="font-family:system-ui,sans-serif;line-height:1.5;color:#111;max-width:32rem;margin:2rem auto;padding:0 1rem">
<h1 style="font-size:1.25rem">${h('heading')}</h1>
<p>${h('body')}</p>
<p><a href="${url}" style="display:inline-block;padding:.6rem 1.2rem;background:#111;color:#fff;border-radius:.4rem;text-decoration:none">${h('action')}</a></p>
<p style="font-size:.85rem;color:#555">${url}</p>
<p style="font-size:.85rem;color:#555">${h('footer')}</p>
</body></html>
`;
  return { subject, text, html };
}
