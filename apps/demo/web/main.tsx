import '@latchkey/react/styles.css';
import './styles.css';
import { LatchkeyProvider } from '@latchkey/react';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.js';

const root = document.getElementById('root');
if (!root) throw new TypeError('index.html has no #root element');

createRoot(root).render(
  <StrictMode>
    <LatchkeyProvider baseUrl="/auth">
      <App />
    </LatchkeyProvider>
  </StrictMode>,
);
