'use client';
import { LatchkeyProvider } from '@latchkey/react';
import type { ReactNode } from 'react';

export function Providers({ children }: { children: ReactNode }) {
  return <LatchkeyProvider baseUrl="/auth">{children}</LatchkeyProvider>;
}
