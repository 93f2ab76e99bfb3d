import { getSession } from '@latchkey/server/next';
import { latchkey } from '../../lib/latchkey';
import { SignOutButton } from '../sign-out-button';

// proxy.ts lets only signed-in people reach this page.
export default async function Dashboard() {
  const signedIn = await getSession(latchkey);
  return (
    <main>
      <h1>Dashboard</h1>
      <p data-testid="who">Signed in as {signedIn?.user.email ?? signedIn?.user.id}</p>
      <SignOutButton />
    </main>
  );
}
