// `npm run soak`: Latchkey under sustained load and faults, with real PostgreSQL
// and Redis. Options: --duration <seconds> (default 600), --servers <n> (3),
// --users <n> (24), --no-faults, --min-each <n> (each fault at least n times,
// default 3), --fault-ms, --gap-ms, --seed <n>. Needs DATABASE_URL and REDIS_URL.
import { parseArgs } from 'node:util';
import { runSoak } from './soak.js';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '600' },
    servers: { type: 'string', default: '3' },
    users: { type: 'string', default: '24' },
    'no-faults': { type: 'boolean', default: false },
    seed: { type: 'string', default: '1' },
    'fault-ms': { type: 'string' },
    'gap-ms': { type: 'string' },
    'min-each': { type: 'string', default: '3' },
  },
});
const databaseUrl = process.env.DATABASE_URL;
const redisUrl = process.env.REDIS_URL;
if (!databaseUrl || !redisUrl) {
  console.error('The soak needs PostgreSQL and Redis: set DATABASE_URL and REDIS_URL, e.g.');
  console.error(
    '  DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379 npm run soak',
  );
  process.exit(2);
}
const started = new Date();
const result = await runSoak({
  databaseUrl,
  redisUrl,
  durationMs: Number(values.duration) * 1000,
  servers: Number(values.servers),
  users: Number(values.users),
  faults: !values['no-faults'],
  seed: Number(values.seed),
  minEachFault: Number(values['min-each']),
  ...(values['fault-ms'] ? { faultMs: Number(values['fault-ms']) } : {}),
  ...(values['gap-ms'] ? { gapMs: Number(values['gap-ms']) } : {}),
  progress: (line) =>
    console.log(`[${((Date.now() - started.getTime()) / 1000).toFixed(0)} s] ${line}`),
});
console.log(`\n${result.report}`);
process.exitCode = result.ok ? 0 : 1;
