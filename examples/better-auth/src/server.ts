// `npm start -w @latchkey/example-better-auth`, with DATABASE_URL set.
import pg from 'pg';
import { createApp } from './app.js';

const connectionString = process.env.DATABASE_URL;
if (!connectionString) throw new Error('Set DATABASE_URL (postgres://…)');
const port = Number(process.env.PORT ?? 3000);
const origin = process.env.APP_ORIGIN ?? `http://localhost:${port}`;

const pool = new pg.Pool({ connectionString });
const { app, migrate } = createApp({
  pool,
  origin,
  ...(process.env.BETTER_AUTH_SECRET ? { authSecret: process.env.BETTER_AUTH_SECRET } : {}),
  ...(process.env.LATCHKEY_SECRET ? { latchkeySecret: process.env.LATCHKEY_SECRET } : {}),
});
await migrate();
app.listen(port, () => console.log(`Listening on ${origin}`));
