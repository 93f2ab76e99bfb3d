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

// A second origin on 127.0.0.1 to hand a session off to (for example 3001 beside 3000).
const handoffPortText = process.env.LATCHKEY_HANDOFF_PORT || undefined;
const handoffPort = handoffPortText === undefined ? undefined : Number(handoffPortText);
if (
  handoffPort !== undefined &&
  (!Number.isInteger(handoffPort) || handoffPort < 0 || handoffPort > 65_535)
) {
  console.error(`LATCHKEY_HANDOFF_PORT must be a port number, not "${handoffPortText}"`);
  process.exit(1);
}

const perIp = process.env.LATCHKEY_RATE_LIMIT_PER_IP;
if (perIp !== undefined && !/^[1-9]\d*$/.test(perIp)) {
  console.error(`LATCHKEY_RATE_LIMIT_PER_IP must be a positive whole number, not "${perIp}"`);
  process.exit(1);
}

// Locked sessions: seconds a device-key proof lasts (short in tests of a copied cookie).
const popMaxAge = process.env.LATCHKEY_POP_MAX_AGE;
if (popMaxAge !== undefined && !/^[1-9]\d*$/.test(popMaxAge)) {
  console.error(`LATCHKEY_POP_MAX_AGE must be a positive whole number, not "${popMaxAge}"`);
  process.exit(1);
}

const options = {
  port,
  host: process.env.HOST || 'localhost',
  dataDir: resolve(process.env.LATCHKEY_DATA_DIR || './.latchkey-data'),
  databaseUrl: process.env.DATABASE_URL || undefined,
  redisUrl: process.env.REDIS_URL || undefined,
  origins: parseOriginList(process.env.LATCHKEY_ORIGINS),
  handoffPort,
  dev: process.argv.includes('--dev'),
  smtpUrl: process.env.SMTP_URL || undefined,
  production: process.env.NODE_ENV === 'production',
  // Behind a NAT or in a classroom many people share one address; let the operator raise it.
  ...(perIp ? { rateLimit: { perIp: Number(perIp) } } : {}),
  ...(popMaxAge ? { pop: { maxAge: Number(popMaxAge) } } : {}),
};

let demo: Awaited<ReturnType<typeof createDemoServer>>;
try {
  demo = await createDemoServer({
    ...options,
    onListening: (url) => console.log(`Opening the store; ${url} answers "starting…" until then`),
  });
} catch (error) {
  console.error('The Latchkey demo could not start:', error);
  process.exit(1);
}

console.log(`Latchkey demo at ${demo.url}`);
console.log(
  `  store: ${describeDemoStore(options)}${options.dev ? '; web app from Vite (hot reload)' : ''}`,
);
console.log(`  origins: ${demo.origins.join(', ')}`);
console.log(
  `  mail: ${options.smtpUrl ? 'sent through SMTP_URL' : options.production ? 'logged only (set SMTP_URL)' : `kept in memory, see ${demo.url}/dev/mailbox`}`,
);
if (demo.handoffUrl)
  console.log(
    `  handoff: ${demo.handoffUrl} (from ${demo.url}, "Open elsewhere" signs you in there)`,
  );

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
