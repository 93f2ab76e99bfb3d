import { useSyncExternalStore } from 'react';

const NAVIGATE = 'latchkey-demo:navigate';

function subscribe(listener: () => void): () => void {
  window.addEventListener('popstate', listener);
  window.addEventListener(NAVIGATE, listener);
  return () => {
    window.removeEventListener('popstate', listener);
    window.removeEventListener(NAVIGATE, listener);
  };
}

/**
 * The current path, kept in step with `navigate()` and the back and forward buttons
 * (the History API; the server answers every page path with `index.html`).
 *
 * @example
 * const path = usePath();
 * if (path === '/account') return <AccountSecurityPage />;
 */
export function usePath(): string {
  return useSyncExternalStore(subscribe, () => window.location.pathname);
}

/**
 * Goes to another page of the app without a reload.
 *
 * @example
 * navigate('/account');
 */
export function navigate(path: string, { replace = false }: { replace?: boolean } = {}): void {
  if (path === window.location.pathname) return;
  if (replace) window.history.replaceState(null, '', path);
  else window.history.pushState(null, '', path);
  window.dispatchEvent(new Event(NAVIGATE));
}
