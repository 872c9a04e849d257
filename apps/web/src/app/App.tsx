import type { QueryClient } from '@tanstack/react-query';
import { QueryClientProvider } from '@tanstack/react-query';
import { createBrowserRouter, Navigate, RouterProvider } from 'react-router-dom';
import { basePath } from '../api/base-path';
import { Layout } from './Layout';

function Placeholder({ title }: { title: string }) {
  return <h1>{title}</h1>;
}

export function createRouter() {
  return createBrowserRouter(
    [
      {
        element: <Layout />,
        children: [
          { index: true, element: <Navigate to="/namespaces" replace /> },
          { path: 'namespaces', element: <Placeholder title="Namespaces" /> },
          { path: 'graph', element: <Placeholder title="Service graph" /> },
          { path: 'mtls', element: <Placeholder title="mTLS" /> },
          { path: '*', element: <Placeholder title="Not found" /> },
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
