'use client';
import { PasskeyEnrolButton } from '@latchkey/react';
import { useRouter } from 'next/navigation';
import { useState } from 'react';

export default function SignUp() {
  const [email, setEmail] = useState('');
  const router = useRouter();
  return (
    <main>
      <h1>Sign up</h1>
      <label>
        Email <input type="email" value={email} onChange={(e) => setEmail(e.target.value)} />
      </label>
      <PasskeyEnrolButton
        email={email.trim() || undefined}
        showRecoveryCodes={false}
        labels={{ enrol: 'Create account with a passkey' }}
        onEnrolled={() => router.push('/dashboard')}
      />
    </main>
  );
}
