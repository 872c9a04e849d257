import type { QueryClient } from '@tanstack/react-query';
import { QueryClientProvider } from '@tanstack/react-query';
import { createBrowserRouter, Navigate, RouterProvider } from 'react-router-dom';
import { basePath } from '../api/base-path';
import { GraphPage } from '../features/graph/GraphPage';
import { MtlsPage } from '../features/mtls/MtlsPage';
import { NamespacePage } from '../features/namespaces/NamespacePage';
import { NamespacesPage } from '../features/namespaces/NamespacesPage';
import { RoutesPage } from '../features/routes/RoutesPage';
import { WorkloadPage } from '../features/workloads/WorkloadPage';
import { Layout } from './Layout';

function NotFound() {
  return (
    <section>
      <h1>Not found</h1>
      <p>meshviz has no page at this address.</p>
    </section>
  );
}

export function createRouter() {
  return createBrowserRouter(
    [
      {
        element: <Layout />,
        children: [
          { index: true, element: <Navigate to="/namespaces" replace /> },
          { path: 'namespaces', element: <NamespacesPage /> },
          { path: 'namespaces/:ns', element: <NamespacePage /> },
          { path: 'namespaces/:ns/:kind/:name', element: <WorkloadPage /> },
          { path: 'graph', element: <GraphPage /> },
          { path: 'routes', element: <RoutesPage /> },
          { path: 'mtls', element: <MtlsPage /> },
          { path: '*', element: <NotFound /> },
        ],
      },
    ],
    { basename: basePath() || '/' },
  );
}

export function App({ queryClient }: { queryClient: QueryClient }) {
  return (
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={createRouter()} />
    </QueryClientProvider>
  );
}
