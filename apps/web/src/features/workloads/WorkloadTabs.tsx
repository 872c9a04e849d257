import { useQuery } from '@tanstack/react-query';
import type { Neighbour, PodRow, WorkloadDetail } from '@meshviz/shared';
import { routesQuery, type WorkloadRef } from '../../api/mesh';
import { useLiveInterval } from '../../app/live';
import { useWindow } from '../../app/url-state';
import { DataTable } from '../../components/DataTable';
import { goldenColumns } from '../../components/golden-columns';
import { MtlsMark, reasonText } from '../../components/MtlsMark';
import { WorkloadLink } from '../../components/ObjectLink';
import { QueryState } from '../../components/QueryState';
import { LiveCalls } from '../tap/LiveCalls';
import { Tabs } from '../../components/Tabs';
import { UpstreamErrors } from '../../components/UpstreamErrors';
import { formatBytesRate, formatCount, formatPercent, formatRps } from '../../format/format';
import { ConfigTab } from '../config/ConfigTab';
import { RoutesTable } from '../routes/RoutesTable';

function RoutesTab({ workload }: { workload: WorkloadRef }) {
  const [window] = useWindow();
  const query = useQuery({
    ...routesQuery(workload, undefined, window),
    refetchInterval: useLiveInterval(),
  });
  return (
    <QueryState query={query} what="routes">
      {(data) => (
        <>
          <UpstreamErrors errors={data.errors} />
          <RoutesTable data={data} workload={workload} />
        </>
      )}
    </QueryState>
  );
}

type Scraper = WorkloadDetail['scrapers'][number];

/** Who reads the proxies' admin port: shown apart, as it is not the workload's traffic. */
function ScrapersTable({ scrapers }: { scrapers: Scraper[] }) {
  return (
    <section aria-labelledby="scrapers-title">
      <h3 id="scrapers-title">Admin-port readers</h3>
      <p className="hint">
        Scrapes and probes of the proxies&apos; admin port. They are left out of every number on
        this page.
      </p>
      <DataTable<Scraper>
        id="scrapers"
        label="Admin-port readers"
        rows={scrapers}
        rowKey={(s) => `${s.identity ?? ''}|${s.reason ?? ''}`}
        defaultSort="-rps"
        empty="Nobody read the admin port in the window."
        columns={[
          {
            key: 'client',
            header: 'Client',
            value: (s) => s.identity ?? `plaintext (${reasonText(s.reason ?? 'unknown')})`,
          },
          {
            key: 'rps',
            header: 'RPS',
            numeric: true,
            value: (s) => s.rps,
            render: (s) => formatRps(s.rps),
          },
        ]}
      />
    </section>
  );
}

/** The kubelet's probes of the app's port: like the admin port's readers, not the workload's traffic. */
function ProbesNote({ probes }: { probes: WorkloadDetail['probes'] }) {
  return (
    <section aria-labelledby="probes-title">
      <h3 id="probes-title">Kubelet probes</h3>
      <p className="hint" data-testid="probes">
        {probes
          ? `${formatRps(probes.rps)} of liveness and readiness probes to the app's port, ${formatPercent(probes.successRate)} answered successfully; plaintext from the node, admitted by the policy's default probe route. They are left out of every number on this page.`
          : "No probe of the app's port went through the proxy in the window."}
      </p>
    </section>
  );
}

function PodsTab({
  pods,
  scrapers,
  probes,
}: {
  pods: PodRow[];
  scrapers: Scraper[];
  probes: WorkloadDetail['probes'];
}) {
  return (
    <>
      <PodsTable pods={pods} />
      <ProbesNote probes={probes} />
      <ScrapersTable scrapers={scrapers} />
    </>
  );
}

function PodsTable({ pods }: { pods: PodRow[] }) {
  return (
    <DataTable<PodRow>
      id="pods"
      label="Pods"
      rows={pods}
      rowKey={(p) => p.name}
      defaultSort="name"
      empty="No pods."
      columns={[
        { key: 'name', header: 'Pod', value: (p) => p.name },
        {
          key: 'phase',
          header: 'Phase',
          value: (p) => `${p.phase}${p.ready ? '' : ' (not ready)'}`,
        },
        { key: 'restarts', header: 'Restarts', numeric: true, value: (p) => p.restarts },
        { key: 'meshed', header: 'Meshed', value: (p) => (p.meshed ? 'yes' : 'no') },
        { key: 'proxy', header: 'Proxy', value: (p) => p.proxyVersion ?? '—' },
        ...goldenColumns<PodRow>((p) => p),
      ]}
    />
  );
}

interface EdgeRow extends Neighbour {
  direction: 'inbound' | 'outbound';
}

function EdgesTab({ detail }: { detail: WorkloadDetail }) {
  const rows: EdgeRow[] = [
    ...detail.inbound.map((n) => ({ ...n, direction: 'inbound' as const })),
    ...detail.outbound.map((n) => ({ ...n, direction: 'outbound' as const })),
  ];
  return (
    <DataTable<EdgeRow>
      id="edges"
      label="Edges"
      rows={rows}
      rowKey={(r) => `${r.direction}:${r.edge.id}`}
      defaultSort="direction"
      empty="No edges with traffic in the window."
      columns={[
        { key: 'direction', header: 'Direction', value: (r) => r.direction },
        {
          key: 'peer',
          header: 'Peer',
          value: (r) => `${r.node.namespace}/${r.node.name}`,
          render: (r) => <WorkloadLink {...r.node} showNamespace />,
        },
        {
          key: 'client',
          header: 'Client identity',
          value: (r) => r.edge.mtls.clientIdentity ?? '—',
        },
        {
          key: 'server',
          header: 'Server identity',
          value: (r) => r.edge.mtls.serverIdentities.join(', ') || '—',
        },
        {
          key: 'secured',
          header: 'Secured',
          value: (r) => r.edge.mtls.securedShare,
          render: (r) => (
            <>
              <MtlsMark mtls={r.edge.mtls} />
              {r.edge.mtls.reasons.map((x) => (
                <span key={x.reason} className="reason">
                  {' '}
                  {x.reason}: {reasonText(x.reason)}
                </span>
              ))}
            </>
          ),
        },
        {
          key: 'rps',
          header: 'RPS',
          numeric: true,
          value: (r) => r.edge.rps,
          render: (r) => formatRps(r.edge.rps),
        },
      ]}
    />
  );
}

function TcpTab({ detail }: { detail: WorkloadDetail }) {
  const t = detail.workload.tcp;
  const tcpEdges = [...detail.inbound, ...detail.outbound].filter((n) => n.edge.protocol === 'tcp');
  return (
    <>
      <dl className="facts">
        <dt>Open connections</dt>
        <dd>{formatCount(t.openConnections)}</dd>
        <dt>Read</dt>
        <dd>{formatBytesRate(t.readBytesPerSec)}</dd>
        <dt>Write</dt>
        <dd>{formatBytesRate(t.writeBytesPerSec)}</dd>
      </dl>
      {tcpEdges.length > 0 && (
        <ul>
          {tcpEdges.map((n) => (
            <li key={n.edge.id}>
              TCP with <WorkloadLink {...n.node} showNamespace /> <MtlsMark mtls={n.edge.mtls} />
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

/** Routes, pods, edges and TCP of one workload, one tab each (`?tab=`). */
export function WorkloadTabs({
  detail,
  workload,
}: {
  detail: WorkloadDetail;
  workload: WorkloadRef;
}) {
  return (
    <Tabs
      label="Workload details"
      tabs={[
        { id: 'routes', title: 'Routes', render: () => <RoutesTab workload={workload} /> },
        {
          id: 'pods',
          title: `Pods (${detail.pods.length})`,
          render: () => (
            <PodsTab pods={detail.pods} scrapers={detail.scrapers} probes={detail.probes} />
          ),
        },
        {
          id: 'edges',
          title: `Edges (${detail.inbound.length + detail.outbound.length})`,
          render: () => <EdgesTab detail={detail} />,
        },
        { id: 'tcp', title: 'TCP', render: () => <TcpTab detail={detail} /> },
        { id: 'config', title: 'Config', render: () => <ConfigTab workload={workload} /> },
        {
          id: 'live',
          title: 'Live calls',
          render: () => <LiveCalls {...workload} />,
        },
      ]}
    />
  );
}
