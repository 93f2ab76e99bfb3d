// `npm start -w @latchkey/example-express-existing-users`, with DATABASE_URL set.
import pg from 'pg';
import { createApp } from './app.js';

const connectionString = process.env.DATABASE_URL;
if (!connectionString) throw new Error('Set DATABASE_URL (postgres://…)');
const port = Number(process.env.PORT ?? 3000);
const origin = process.env.APP_ORIGIN ?? `http://localhost:${port}`;

const pool = new pg.Pool({ connectionString });
const { app, users, migrate } = createApp({
  pool,
  origin,
  ...(process.env.LATCHKEY_SECRET ? { secret: process.env.LATCHKEY_SECRET } : {}),
});
await migrate();
if (process.env.SEED_USER) {
  // SEED_USER=email:password makes a user to sign in with.
  const [email, password] = process.env.SEED_USER.split(':');
  await users.create(email!, email!.split('@')[0]!, password!).catch(() => {});
}
app.listen(port, () => console.log(`Listening on ${origin}`));
