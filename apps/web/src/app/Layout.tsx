import { useQuery } from '@tanstack/react-query';
import { Suspense } from 'react';
import { NavLink, Outlet } from 'react-router-dom';
import { healthQuery } from '../api/health';
import { WindowSelector } from '../components/WindowSelector';
import { findingsQuery } from '../api/policy';
import { REFRESH_MS, useKeepParams, useWindow } from './url-state';
import './layout.css';

const NAV = [
  { to: '/namespaces', label: 'Namespaces' },
  { to: '/graph', label: 'Graph' },
  { to: '/routes', label: 'Routes' },
  { to: '/mtls', label: 'mTLS' },
  { to: '/egress', label: 'Egress' },
  { to: '/tap', label: 'Tap' },
  { to: '/top', label: 'Top' },
  { to: '/findings', label: 'Findings' },
  { to: '/control-plane', label: 'Control plane' },
];

/** The number of findings, beside the navigation link, worst severity as colour. */
function FindingsCount() {
  const [window] = useWindow();
  const { data } = useQuery({ ...findingsQuery(window), refetchInterval: REFRESH_MS * 3 });
  if (!data) return null;
  const n = data.findings.length;
  const worst = data.findings.some((f) => f.severity === 'critical')
    ? 'critical'
    : n > 0
      ? 'warning'
      : 'none';
  return (
    <span className={`count count-${worst}`} aria-label={`${n} findings`}>
      {n}
    </span>
  );
}

export function Layout() {
  const health = useQuery(healthQuery());
  const keep = useKeepParams();
  return (
    <div className="layout">
      <header className="topbar">
        <span className="brand">meshviz</span>
        <nav aria-label="Main">
          {NAV.map((item) => (
            <NavLink key={item.to} to={keep(item.to)}>
              {item.label}
              {item.to === '/findings' && <FindingsCount />}
            </NavLink>
          ))}
        </nav>
        <WindowSelector />
        <span className="api-status" role="status" aria-label="API status">
          {health.isPending
            ? 'Connecting to API…'
            : health.isError
              ? 'API unreachable'
              : `API ${health.data.version}`}
        </span>
      </header>
      <main>
        <Suspense
          fallback={
            <p className="state loading" role="status">
              Loading the view…
            </p>
          }
        >
          <Outlet />
        </Suspense>
      </main>
    </div>
  );
}
