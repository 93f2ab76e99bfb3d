import { toNextHandler } from '@latchkey/server/next';
import { latchkey } from '../../../lib/latchkey';

// Related origins (WebAuthn L3 §5.11.1), answered when `relatedOrigins` is configured.
export const { GET } = toNextHandler(latchkey);
