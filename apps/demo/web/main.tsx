import '@latchkey/react/styles.css';
import './styles.css';
import { LatchkeyProvider } from '@latchkey/react';
import { lockedSessions } from '@latchkey/react/locked';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.js';

const root = document.getElementById('root');
if (!root) throw new TypeError('index.html has no #root element');

createRoot(root).render(
  <StrictMode>
    <LatchkeyProvider baseUrl="/auth" extensions={[lockedSessions()]}>
      <App />
    </LatchkeyProvider>
  </StrictMode>,
);
