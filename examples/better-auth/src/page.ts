import type { SignedIn } from './app.js';

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

// Better Auth's email-and-password routes take JSON; a passkey ceremony is
// Latchkey's options in, the credential's JSON back (WebAuthn L3 §5.1.9,
// parse…FromJSON and toJSON). An app with a bundler would use Better Auth's
// client (`better-auth/client`) and @latchkey/react instead.
const SCRIPT = `
const post = (path, body) =>
  fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
    .then(async (r) => ({ ok: r.ok, body: await r.json() }));
const show = (text) => { document.getElementById('status').textContent = text; };
const failed = (error) => show(error.name === 'NotAllowedError' ? 'Cancelled' : String(error));
async function passwordForm(event) {
  event.preventDefault();
  const form = new FormData(event.target);
  const signUp = event.submitter?.value === 'sign-up';
  const done = await post(signUp ? '/api/auth/sign-up/email' : '/api/auth/sign-in/email', {
    ...(signUp ? { name: form.get('name') } : {}),
    email: form.get('email'),
    password: form.get('password'),
  });
  if (done.ok) location.assign('/');
  else show(done.body.message ?? 'Could not sign in');
}
async function addPasskey() {
  const options = await post('/auth/passkeys/register-options', {});
  if (!options.ok) return show(options.body.error.message);
  const publicKey = PublicKeyCredential.parseCreationOptionsFromJSON(options.body.options);
  const credential = await navigator.credentials.create({ publicKey });
  const done = await post('/auth/passkeys/register', { response: credential.toJSON() });
  show(done.ok ? 'Passkey added' : done.body.error.message);
}
async function signInWithPasskey() {
  const options = await post('/auth/passkeys/auth-options', {});
  if (!options.ok) return show(options.body.error.message);
  const publicKey = PublicKeyCredential.parseRequestOptionsFromJSON(options.body.options);
  const credential = await navigator.credentials.get({ publicKey });
  const done = await post('/auth/passkeys/authenticate', { response: credential.toJSON() });
  if (done.ok) location.assign('/');
  else show(done.body.error.message);
}
document.getElementById('password-form')?.addEventListener('submit', (event) => passwordForm(event).catch(failed));
document.getElementById('add-passkey')?.addEventListener('click', () => addPasskey().catch(failed));
document.getElementById('passkey-sign-in')?.addEventListener('click', () => signInWithPasskey().catch(failed));
`;

/** The one page: who is signed in, and the ways in and out. */
export function page(who: SignedIn | null): string {
  const body = who
    ? `<p data-testid="who">Signed in as ${escapeHtml(who.user.email)} (Better Auth user ${escapeHtml(who.user.id)}, by ${who.via})</p>
<button type="button" id="add-passkey">Add a passkey</button>
<form method="post" action="/logout"><button type="submit">Sign out</button></form>`
    : `<p data-testid="who">Signed out</p>
<form id="password-form">
  <label>Name (to sign up) <input name="name" autocomplete="name"></label>
  <label>Email <input name="email" type="email" autocomplete="username webauthn" required></label>
  <label>Password <input name="password" type="password" autocomplete="current-password" minlength="8" required></label>
  <button type="submit" value="sign-up">Sign up</button>
  <button type="submit" value="sign-in">Sign in</button>
</form>
<button type="button" id="passkey-sign-in">Sign in with a passkey</button>`;
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Acme</title></head>
<body>
<main>
${body}
<p id="status" role="status" aria-live="polite"></p>
</main>
<script type="module">${SCRIPT}</script>
</body>
</html>`;
}
