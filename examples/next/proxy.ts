import { nextGate } from '@latchkey/server/next';
import { latchkey } from './lib/latchkey';

// The gate in front of the dashboard: a page load without a session goes to the
// sign-in page (and back after), anything else gets a 401.
export const proxy = nextGate(latchkey.gate({ signInPath: '/sign-in', originGrace: false }));

export const config = { matcher: ['/dashboard/:path*'] };
