/** The fragment key the server's handoff `url` carries: `${audience}/#latchkey-handoff=<token>`. */
const FRAGMENT_KEY = 'latchkey-handoff';

let taken: { token: string | null } | null = null;

/**
 * The handoff token in this page's address (`#latchkey-handoff=…`), read once per
 * page load; the fragment is removed from the address bar and history at the same
 * time, so the token is not left in a bookmark, a screenshot or the back button.
 * (A fragment never reaches a server log or a Referer, which is why it is there.)
 *
 * @example
 * const token = takeHandoffToken(); // 'eyJ…' on the first call, the same on later ones
 */
export function takeHandoffToken(): string | null {
  if (taken) return taken.token;
  const token = new URLSearchParams(window.location.hash.slice(1)).get(FRAGMENT_KEY);
  taken = { token: token || null };
  if (token !== null) {
    const { pathname, search } = window.location;
    window.history.replaceState(window.history.state, '', pathname + search);
  }
  return taken.token;
}
