import type { QueryClient } from '@tanstack/react-query';
import { QueryClientProvider } from '@tanstack/react-query';
import { createBrowserRouter, Navigate, RouterProvider } from 'react-router-dom';
import { basePath } from '../api/base-path';
import { lazy } from 'react';
import { NamespacesPage } from '../features/namespaces/NamespacesPage';
import { Layout } from './Layout';

// The landing page loads with the app; the graph (react-flow, elkjs) and chart
// (recharts) pages load when first opened, keeping the initial bundle small.
const GraphPage = lazy(() =>
  import('../features/graph/GraphPage').then((m) => ({ default: m.GraphPage })),
);
const NamespacePage = lazy(() =>
  import('../features/namespaces/NamespacePage').then((m) => ({ default: m.NamespacePage })),
);
const WorkloadPage = lazy(() =>
  import('../features/workloads/WorkloadPage').then((m) => ({ default: m.WorkloadPage })),
);
const RoutesPage = lazy(() =>
  import('../features/routes/RoutesPage').then((m) => ({ default: m.RoutesPage })),
);
const PolicyPage = lazy(() =>
  import('../features/policy/PolicyPage').then((m) => ({ default: m.PolicyPage })),
);
const ServicePage = lazy(() =>
  import('../features/config/ServicePage').then((m) => ({ default: m.ServicePage })),
);
const FindingsPage = lazy(() =>
  import('../features/findings/FindingsPage').then((m) => ({ default: m.FindingsPage })),
);
const ControlPlanePage = lazy(() =>
  import('../features/control-plane/ControlPlanePage').then((m) => ({
    default: m.ControlPlanePage,
  })),
);
const EgressPage = lazy(() =>
  import('../features/egress/EgressPage').then((m) => ({ default: m.EgressPage })),
);
const TapPage = lazy(() => import('../features/tap/TapPage').then((m) => ({ default: m.TapPage })));
const TopPage = lazy(() => import('../features/tap/TapPage').then((m) => ({ default: m.TopPage })));
const MtlsPage = lazy(() =>
  import('../features/mtls/MtlsPage').then((m) => ({ default: m.MtlsPage })),
);

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
          { path: 'namespaces/:ns/policy', element: <PolicyPage /> },
          { path: 'namespaces/:ns/services/:name', element: <ServicePage /> },
          { path: 'namespaces/:ns/:kind/:name', element: <WorkloadPage /> },
          { path: 'findings', element: <FindingsPage /> },
          { path: 'control-plane', element: <ControlPlanePage /> },
          { path: 'graph', element: <GraphPage /> },
          { path: 'routes', element: <RoutesPage /> },
          { path: 'mtls', element: <MtlsPage /> },
          { path: 'egress', element: <EgressPage /> },
          { path: 'tap', element: <TapPage /> },
          { path: 'top', element: <TopPage /> },
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
