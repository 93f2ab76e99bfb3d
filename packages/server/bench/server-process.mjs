// One server under test, in its own process: `fork`ed by run.mjs with a JSON spec
// as its argument. It answers over IPC with its port, and with its CPU time and
// memory whenever asked, so the bench charges each server only for its own work.
import { once } from 'node:events';
import { createServer } from 'node:http';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gateChecks } from './gate-checks.mjs';
import { referenceListener } from './reference-server.mjs';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const spec = JSON.parse(process.argv[2] ?? '{}');
const dist = (file) => import(pathToFileURL(`${packageDir}/dist/${file}`).href);

let closeServer = async () => {};

process.on('message', async (message) => {
  if (message.type === 'usage') {
    process.send({
      type: 'usage',
      id: message.id,
      cpu: process.cpuUsage(),
      rss: process.memoryUsage.rss(),
      at: performance.now(),
    });
  } else if (message.type === 'close') {
    await closeServer();
    process.disconnect();
  }
});

try {
  if (spec.kind === 'gate') {
    const result = await gateChecks(spec, await latchkeyFor(spec));
    process.send({ type: 'result', result }, () => process.disconnect());
  } else {
    process.send({ type: 'ready', ...(await start(spec)) });
  }
} catch (error) {
  process.send({ type: 'failed', message: error?.stack ?? String(error) }, () =>
    process.disconnect(),
  );
}

async function start(spec) {
  if (spec.kind === 'reference') return listen(referenceListener());
  const latchkey = await latchkeyFor(spec);
  const readyStarted = performance.now();
  await latchkey.ready();
  const readyMs = performance.now() - readyStarted;
  if (spec.adapter === 'node') {
    const { toNodeListener } = await dist('node.js');
    const answer = await listen(toNodeListener(latchkey.handler), () => latchkey.close());
    return { ...answer, readyMs };
  }
  // Hono on @hono/node-server, as apps/demo serves it. run.mjs checked it is installed.
  const [{ serve }, { Hono }, { latchkeyHono }] = await Promise.all([
    import('@hono/node-server'),
    import('hono'),
    dist('hono.js'),
  ]);
  const app = new Hono();
  app.use(latchkeyHono(latchkey.handler));
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await once(server, 'listening');
  closeServer = async () => {
    await new Promise((resolve) => server.close(resolve));
    await latchkey.close();
  };
  return { port: server.address().port, readyMs };
}

async function listen(listener, onClose = async () => {}) {
  const server = createServer({ keepAliveTimeout: 60_000 }, listener);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  closeServer = async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await onClose();
  };
  return { port: server.address().port, readyMs: 0 };
}

async function latchkeyFor(spec) {
  const [
    { createLatchkey, combineStores },
    { memoryStore },
    { pgliteStore },
    { postgresStore },
    { redisStore },
  ] = await Promise.all(
    ['index.js', 'memory.js', 'pglite.js', 'postgres.js', 'redis.js'].map(dist),
  );
  const durable =
    spec.store === 'pglite'
      ? pgliteStore({ dataDir: spec.dataDir })
      : spec.databaseUrl
        ? postgresStore({ connectionString: spec.databaseUrl, schema: spec.schema })
        : memoryStore();
  const store = spec.redisUrl
    ? combineStores(durable, redisStore({ url: spec.redisUrl, prefix: spec.prefix }))
    : durable;
  return createLatchkey({
    rpName: 'Latchkey Bench',
    origins: ['http://localhost:3000'],
    store,
    rateLimit: false,
    secret: 'bench-secret-bench-secret-bench-secret-01',
    // An error the handler logs makes the figures suspect: the parent fails the run.
    logger: (message, error) => {
      process.send({ type: 'logged', message: `${message}: ${error?.stack ?? String(error)}` });
    },
  });
}
