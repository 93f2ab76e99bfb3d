import { toNextHandler } from '@latchkey/server/next';
import { latchkey } from '../../../lib/latchkey';

export const { GET, POST, PUT, PATCH, DELETE } = toNextHandler(latchkey);
