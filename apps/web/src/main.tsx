import { QueryClient } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { basePath } from './api/base-path';
import { App } from './app/App';
import { warmLayout } from './features/graph/run-layout';

// The graph's layout engine is the app's largest script: start loading it at once when the
// first page shows a graph, or when the browser is idle, so that a graph answer finds it ready.
const page = window.location.pathname.slice(basePath().length);
if (/^\/(graph|namespaces\/[^/]+\/?$)/.test(page)) warmLayout();
else if ('requestIdleCallback' in window)
  requestIdleCallback(() => warmLayout(), { timeout: 5000 });

const queryClient = new QueryClient({
  defaultOptions: { queries: { staleTime: 5_000, refetchOnWindowFocus: false } },
});

const root = document.getElementById('root');
if (!root) throw new Error('missing #root element');
createRoot(root).render(
  <StrictMode>
    <App queryClient={queryClient} />
  </StrictMode>,
);
