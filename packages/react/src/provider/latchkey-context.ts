'use client';
import { createContext } from 'react';
import type { SessionStore } from '../client/session-store.js';

export const LatchkeyContext = /*#__PURE__*/ createContext<SessionStore | null>(null);
