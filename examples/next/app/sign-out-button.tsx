'use client';
import { useSession } from '@latchkey/react';
import { useRouter } from 'next/navigation';

export function SignOutButton() {
  const { signOut } = useSession();
  const router = useRouter();
  return (
    <button
      type="button"
      onClick={async () => {
        await signOut();
        // The pages are rendered on the server with the session: fetch them again.
        router.replace('/');
        router.refresh();
      }}
    >
      Sign out
    </button>
  );
}
