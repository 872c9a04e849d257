import { useQuery } from '@tanstack/react-query';
import type { EgressDestination, EgressNetworkRow, EgressResponse } from '@meshviz/shared';
import { egressQuery } from '../../api/mesh';
import { useLiveInterval } from '../../app/live';
import { useWindow } from '../../app/url-state';
import { DataTable } from '../../components/DataTable';
import { SuccessRate } from '../../components/Metric';
import { WorkloadLink } from '../../components/ObjectLink';
import { QueryState } from '../../components/QueryState';
import { UpstreamErrors } from '../../components/UpstreamErrors';
import { formatLatency, formatLatencyBucket, formatRps } from '../../format/format';

/** Requests for HTTP and gRPC, connections for TLS and TCP. */
const unitOf = (r: EgressDestination) =>
  r.protocol === 'http' || r.protocol === 'grpc' ? 'rps' : 'conn/s';

/** `http-egress-deny` refuses, anything else lets through. */
function Verdict({ d }: { d: Pick<EgressDestination, 'verdict'> }) {
  return d.verdict === 'denied' ? (
    <span className="badge badge-critical">denied</span>
  ) : (
    <span className="badge badge-ok">allowed</span>
  );
}

function PolicyBadge({ policy }: { policy: string | null }) {
  if (policy === 'Deny') return <span className="badge badge-warning">Deny</span>;
  if (policy === 'Allow') return <span className="badge badge-info">Allow</span>;
  return <span className="badge badge-critical">{policy ?? 'no trafficPolicy'}</span>;
}

function Networks({ d }: { d: EgressResponse }) {
  return (
    <DataTable<EgressNetworkRow>
      id="networks"
      label="Egress networks"
      rows={d.networks}
      rowKey={(n) => `${n.namespace}/${n.name}`}
      defaultSort="name"
      empty="No EgressNetwork: traffic to addresses outside the cluster leaves unrouted (the proxies' fallback lets all of it through)."
      columns={[
        {
          key: 'name',
          header: 'EgressNetwork',
          value: (n) => `${n.namespace}/${n.name}`,
        },
        {
          key: 'scope',
          header: 'Applies to',
          value: (n) => n.scope,
          render: (n) =>
            n.scope === 'cluster' ? 'clients in every namespace' : `clients in ${n.namespace}`,
        },
        {
          key: 'policy',
          header: 'Unrouted traffic',
          value: (n) => n.trafficPolicy,
          render: (n) => <PolicyBadge policy={n.trafficPolicy} />,
        },
        {
          key: 'networks',
          header: 'Networks',
          value: (n) => n.networks.map((x) => x.cidr).join(' '),
          render: (n) =>
            n.networks.length === 0
              ? 'everything outside the cluster'
              : n.networks.map((x) => (
                  <div key={x.cidr}>
                    <code>{x.cidr}</code>
                    {x.except.length ? ` except ${x.except.join(', ')}` : ''}
                  </div>
                )),
        },
        {
          key: 'routes',
          header: 'Routes',
          value: (n) => n.routes.map((r) => r.name).join(' '),
          render: (n) =>
            n.routes.length === 0
              ? 'none'
              : n.routes.map((r) => (
                  <div key={`${r.kind}/${r.namespace}/${r.name}`}>
                    {r.kind} <code>{r.name}</code>
                    {r.hostnames.length ? ` (${r.hostnames.join(', ')})` : ''}
                    {r.port !== null ? ` port ${r.port}` : ''}
                  </div>
                )),
        },
        {
          key: 'rps',
          header: 'RPS',
          numeric: true,
          value: (n) => n.requestsPerSecond,
          render: (n) => formatRps(n.requestsPerSecond),
        },
        {
          key: 'denied',
          header: 'Denied RPS',
          numeric: true,
          value: (n) => n.deniedRequestsPerSecond,
          render: (n) => formatRps(n.deniedRequestsPerSecond),
        },
        {
          key: 'cps',
          header: 'Connections/s',
          numeric: true,
          value: (n) => n.connectionsPerSecond,
          render: (n) => formatRps(n.connectionsPerSecond, 'conn/s'),
        },
        {
          key: 'cdenied',
          header: 'Refused connections/s',
          numeric: true,
          value: (n) => n.deniedConnectionsPerSecond,
          render: (n) => formatRps(n.deniedConnectionsPerSecond, 'conn/s'),
        },
      ]}
    />
  );
}

function Destinations({ d }: { d: EgressResponse }) {
  const latency = (q: 'p50' | 'p95' | 'p99') => ({
    key: q,
    header: `Latency ${q.toUpperCase()}`,
    numeric: true,
    value: (r: EgressDestination) => r.latencyMs[q],
    render: (r: EgressDestination) =>
      r.protocol === 'http' || r.protocol === 'grpc'
        ? formatLatencyBucket(r.latencyMs[q], d.latencyBucketsMs)
        : formatLatency(null),
  });
  return (
    <DataTable<EgressDestination>
      id="destinations"
      label="External destinations"
      rows={d.destinations}
      rowKey={(r) =>
        `${r.client.namespace}/${r.client.kind}/${r.client.name}|${r.network?.namespace ?? ''}/${r.network?.name ?? ''}|${r.port ?? ''}|${r.protocol}|${r.route.kind}/${r.route.namespace}/${r.route.name}|${r.hostname ?? ''}`
      }
      defaultSort="-rate"
      empty="No traffic left the cluster in this window."
      columns={[
        {
          key: 'client',
          header: 'Client',
          value: (r) => `${r.client.namespace}/${r.client.name}`,
          render: (r) => <WorkloadLink {...r.client} showNamespace />,
        },
        {
          key: 'host',
          header: 'Destination',
          value: (r) => `${r.hostname ?? ''}:${r.port ?? ''}`,
          render: (r) => (
            <>
              <code>{r.hostname ?? '(host not recorded)'}</code>
              {r.port !== null ? `:${r.port}` : ''}
            </>
          ),
        },
        { key: 'protocol', header: 'Protocol', value: (r) => r.protocol.toUpperCase() },
        {
          key: 'network',
          header: 'Through',
          value: (r) => (r.network ? `${r.network.namespace}/${r.network.name}` : ''),
          render: (r) =>
            r.network ? `${r.network.namespace}/${r.network.name}` : 'no EgressNetwork',
        },
        {
          key: 'route',
          header: 'Route',
          value: (r) => r.route.name,
          render: (r) =>
            r.route.kind === 'default' ? (
              <span title="the network's default route">
                <code>{r.route.name}</code> (default)
              </span>
            ) : (
              <span title={`${r.route.kind} ${r.route.namespace}/${r.route.name}`}>
                {r.route.kind} <code>{r.route.name}</code>
              </span>
            ),
        },
        {
          key: 'verdict',
          header: 'Policy',
          value: (r) => r.verdict,
          render: (r) => <Verdict d={r} />,
        },
        {
          key: 'rate',
          header: 'Rate',
          numeric: true,
          value: (r) => r.perSecond,
          render: (r) => formatRps(r.perSecond, unitOf(r)),
        },
        {
          key: 'sr',
          header: 'Success rate',
          numeric: true,
          value: (r) => r.successRate,
          render: (r) => <SuccessRate value={r.successRate} />,
        },
        {
          key: 'failed',
          header: 'Failed',
          numeric: true,
          value: (r) => r.failedPerSecond,
          render: (r) => formatRps(r.failedPerSecond, unitOf(r)),
        },
        {
          key: 'outcomes',
          header: 'Outcomes',
          value: (r) => r.outcomes.map((o) => o.outcome).join(' '),
          render: (r) =>
            r.outcomes.map((o) => (
              <div key={o.outcome}>
                <code>{o.outcome}</code> {formatRps(o.perSecond, unitOf(r))}
              </div>
            )),
        },
        latency('p50'),
        latency('p95'),
        latency('p99'),
      ]}
    />
  );
}

/** Traffic leaving the cluster: the EgressNetworks that govern it and every external destination. */
export function EgressPage() {
  const [window] = useWindow();
  const query = useQuery({ ...egressQuery(window), refetchInterval: useLiveInterval() });
  return (
    <section>
      <h1>Egress</h1>
      <QueryState query={query} what="egress traffic">
        {(d) => {
          const denied = d.destinations.filter((x) => x.verdict === 'denied');
          return (
            <>
              <UpstreamErrors errors={d.errors} />
              <p className="headline" role="group" aria-label="Egress summary">
                {d.destinations.length === 0 ? (
                  <>No workload called outside the cluster over the last {d.window}.</>
                ) : (
                  <>
                    <strong>{new Set(d.destinations.map((x) => x.hostname ?? x.port)).size}</strong>{' '}
                    external destinations over the last {d.window}; <strong>{denied.length}</strong>{' '}
                    refused by an EgressNetwork&apos;s policy.
                  </>
                )}
              </p>
              <p className="hint">
                From the clients&apos; outbound route families (
                <code>parent_kind=&quot;EgressNetwork&quot;</code>
                ). EgressNetworks in <code>{d.globalNamespace}</code> apply to clients in every
                namespace; one in a client&apos;s own namespace comes first.
                {d.hostnamesRecorded
                  ? ''
                  : ' Proxies record no host names: set config.linkerd.io/proxy-metrics-hostname-labels: "true" on a namespace or pod (or proxy.metrics.hostnameLabels at install) to see each host.'}
              </p>
              <h2>Egress networks</h2>
              <Networks d={d} />
              <h2>External destinations</h2>
              <p className="hint">
                A refused request is answered 403 by the client&apos;s own proxy (gRPC:
                PERMISSION_DENIED), a refused TLS or TCP connection is closed with{' '}
                <code>forbidden</code>; both count as failures here. Latencies come from the route
                histogram, whose buckets end at{' '}
                {d.latencyBucketsMs.map((b) => formatLatency(b)).join(', ')}: each is shown as the
                bucket it lies in.
              </p>
              <Destinations d={d} />
            </>
          );
        }}
      </QueryState>
    </section>
  );
}
