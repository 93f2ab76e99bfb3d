import { localReturnPath } from '@latchkey/core';

/**
 * The sign-in page's address that comes back to `returnTo` (a path of this app,
 * with its query) once the person is signed in.
 *
 * @example
 * signInPathReturningTo('/device?user_code=WDJB-MJHT')
 * // '/sign-in?next=%2Fdevice%3Fuser_code%3DWDJB-MJHT'
 */
export function signInPathReturningTo(returnTo: string): string {
  return `/sign-in?next=${encodeURIComponent(returnTo)}`;
}

/**
 * The `next` path of a query string, when it is a path of this app; null otherwise
 * (core's `localReturnPath` decides, so sign-in is never an open redirect).
 *
 * @example
 * returnPathFrom('?next=%2Fdevice%3Fuser_code%3DWDJB-MJHT') // '/device?user_code=WDJB-MJHT'
 * returnPathFrom('?next=https%3A%2F%2Fevil.example')       // null
 */
export function returnPathFrom(search: string): string | null {
  return localReturnPath(new URLSearchParams(search).get('next'));
}
