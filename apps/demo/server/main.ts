// `npm run serve` (and `npm start` at the root): the demo on http://localhost:3000.
import { resolve } from 'node:path';
import { createDemoServer } from './create-demo-server.js';
import { parseOriginList } from './demo-origins.js';
import { describeDemoStore } from './demo-store.js';

const port = Number(process.env.PORT ?? 3000);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`PORT must be a port number, not "${process.env.PORT}"`);
  process.exit(1);
}

const perIp = process.env.LATCHKEY_RATE_LIMIT_PER_IP;
if (perIp !== undefined && !/^[1-9]\d*$/.test(perIp)) {
  console.error(`LATCHKEY_RATE_LIMIT_PER_IP must be a positive whole number, not "${perIp}"`);
  process.exit(1);
}

const options = {
  port,
  host: process.env.HOST || 'localhost',
  dataDir: resolve(process.env.LATCHKEY_DATA_DIR || './.latchkey-data'),
  databaseUrl: process.env.DATABASE_URL || undefined,
  redisUrl: process.env.REDIS_URL || undefined,
  origins: parseOriginList(process.env.LATCHKEY_ORIGINS),
  dev: process.argv.includes('--dev'),
  // Behind a NAT or in a classroom many people share one address; let the operator raise it.
  ...(perIp ? { rateLimit: { perIp: Number(perIp) } } : {}),
};

let demo: Awaited<ReturnType<typeof createDemoServer>>;
try {
  demo = await createDemoServer(options);
} catch (error) {
  console.error('The Latchkey demo could not start:', error);
  process.exit(1);
}

console.log(`Latchkey demo at ${demo.url}`);
console.log(
  `  store: ${describeDemoStore(options)}${options.dev ? '; web app from Vite (hot reload)' : ''}`,
);
console.log(`  origins: ${demo.origins.join(', ')}`);

let stopping = false;
async function shutDown(signal: NodeJS.Signals) {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: closing the Latchkey demo`);
  try {
    await demo.close();
    process.exit(0);
  } catch (error) {
    console.error('The store did not close cleanly:', error);
    process.exit(1);
  }
}
process.on('SIGINT', shutDown);
process.on('SIGTERM', shutDown);
