'use client';
import { localReturnPath } from '@latchkey/core';
import { PasskeySignIn } from '@latchkey/react';
import { useRouter, useSearchParams } from 'next/navigation';
import { Suspense } from 'react';

function SignInForm() {
  const router = useRouter();
  // Only a path on this site: never an address elsewhere.
  const target = localReturnPath(useSearchParams().get('next')) ?? '/dashboard';
  return <PasskeySignIn onSignedIn={() => router.push(target)} />;
}

export default function SignIn() {
  return (
    <main>
      <h1>Sign in</h1>
      <Suspense>
        <SignInForm />
      </Suspense>
    </main>
  );
}
