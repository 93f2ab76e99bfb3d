'use client';
import { createContext } from 'react';
import type { SessionStore } from '../client/session-store.js';

export const LatchkeyContext = createContext<SessionStore | null>(null);
