// One Latchkey instance of the soak, in its own process: `fork`ed by soak.ts with
// a JSON spec as its argument, as an operator deploys it (Node's http server,
// PostgreSQL for the durable half, Redis for the short-lived one). It answers
// over IPC with its port, its memory when asked, and every error it logs.
//
// Its clock is the machine's plus LATCHKEY_SOAK_CLOCK_OFFSET_MS (or a later
// `{ type: 'skew', offsetMs }` message): instances whose clocks disagree.
import { once } from 'node:events';
import { createServer } from 'node:http';
import { toNodeListener } from '../src/adapters/node.js';
import { createLatchkey } from '../src/create-latchkey.js';
import { combineStores } from '../src/stores/combine-stores.js';
import { postgresStore } from '../src/stores/postgres/postgres-store.js';
import { redisStore } from '../src/stores/redis/redis-store.js';

export interface ServerSpec {
  name: string;
  /** 0 on the first start; the same port again after a restart. */
  port: number;
  databaseUrl: string;
  schema: string;
  redisUrl: string;
  prefix: string;
  origin: string;
  secret: string;
  requestTimeout: number;
}

export type ServerMessage =
  | { type: 'ready'; port: number }
  | { type: 'usage'; id: number; rss: number; heap: number }
  | { type: 'logged'; message: string; error: string };

const spec = JSON.parse(process.argv[2] ?? '{}') as ServerSpec;
// The parent may be gone (the soak ended, or killed this process's parent): never throw then.
const send = (message: ServerMessage) => {
  if (process.connected) process.send?.(message, undefined, undefined, () => {});
};
let offsetMs = Number(process.env.LATCHKEY_SOAK_CLOCK_OFFSET_MS ?? 0);

const store = combineStores(
  postgresStore({ connectionString: spec.databaseUrl, schema: spec.schema }),
  redisStore({ url: spec.redisUrl, prefix: spec.prefix }),
);
const latchkey = createLatchkey({
  rpName: 'Latchkey Soak',
  origins: [spec.origin],
  store,
  secret: spec.secret,
  // Every simulated user comes from 127.0.0.1: per-IP limits would measure nothing else.
  rateLimit: false,
  requestTimeout: spec.requestTimeout,
  deviceFlow: { interval: 1 },
  now: () => Date.now() + offsetMs,
  logger: (message, error) =>
    send({
      type: 'logged',
      message,
      error:
        error instanceof Error ? `${error.message} (${String(error.cause ?? '')})` : String(error),
    }),
});

process.on('message', (message: { type: string; id?: number; offsetMs?: number }) => {
  if (message.type === 'usage') {
    const { rss, heapUsed } = process.memoryUsage();
    send({ type: 'usage', id: message.id ?? 0, rss, heap: heapUsed });
  } else if (message.type === 'skew') {
    offsetMs = message.offsetMs ?? 0;
  }
});
process.on('disconnect', () => process.exit(0));

// The stores may be down when this instance (re)starts: it serves anyway, and
// the handler answers 503 until they are back.
await latchkey.ready().catch(() => {});
const server = createServer({ keepAliveTimeout: 5_000 }, toNodeListener(latchkey.handler));
server.listen(spec.port, '127.0.0.1');
await once(server, 'listening');
const address = server.address();
send({ type: 'ready', port: typeof address === 'object' && address ? address.port : 0 });
