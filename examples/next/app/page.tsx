import { getSession } from '@latchkey/server/next';
import Link from 'next/link';
import { latchkey } from '../lib/latchkey';
import { SignOutButton } from './sign-out-button';

export default async function Home() {
  const signedIn = await getSession(latchkey);
  return (
    <main>
      <h1>Latchkey on Next.js</h1>
      {signedIn ? (
        <>
          <p data-testid="who">Signed in as {signedIn.user.email ?? signedIn.user.id}</p>
          <p>
            <Link href="/dashboard">Dashboard</Link>
          </p>
          <SignOutButton />
        </>
      ) : (
        <>
          <p data-testid="who">Signed out</p>
          <p>
            <Link href="/sign-up">Sign up</Link> or <Link href="/sign-in">sign in</Link>
          </p>
        </>
      )}
    </main>
  );
}
