import type { WorkloadRow, WorkloadsResponse } from '@meshviz/shared';
import { golden, mtlsOfSamples, outcomes } from '../model/golden';
import { DST_LABELS, SOURCE_LABELS, type WorkloadKind } from '../model/kinds';
import { serviceOfAuthority, serviceSelects, workloadsOf } from '../model/workloads';
import { eq, type Sample } from '../sources/metrics/engine';
import { Answer } from './answer';
import { QUANTILES, type MeshDeps } from './deps';
import type { WorkloadRef } from './workload-names';

const wkey = (kind: string, name: string) => `${kind}/${name}`;

function byWorkload(
  samples: Sample[],
  of: (l: Record<string, string>) => WorkloadRef | undefined,
): Map<string, Sample[]> {
  const out = new Map<string, Sample[]>();
  for (const s of samples) {
    const w = of(s.labels);
    if (!w) continue;
    const k = wkey(w.kind, w.name);
    out.set(k, [...(out.get(k) ?? []), s]);
  }
  return out;
}

/** A namespace's workload (or service) rows, computed once per refresh for every page and viewer that asks. */
export function workloadsView(
  deps: MeshDeps,
  namespace: string,
  kind: WorkloadKind | 'services' | undefined,
  window: { seconds: number; text: string },
): Promise<WorkloadsResponse> {
  return deps.answers.get('workloads', [namespace, kind, window], () =>
    buildWorkloads(deps, namespace, kind, window),
  );
}

/**
 * A row per workload of a namespace, and per service. Meshed workloads use
 * their own inbound (server-side) metrics; unmeshed ones and services use
 * what their meshed clients saw on the way out.
 */
async function buildWorkloads(
  deps: MeshDeps,
  namespace: string,
  kind: WorkloadKind | 'services' | undefined,
  window: { seconds: number; text: string },
): Promise<WorkloadsResponse> {
  const { snapshot, pods, names } = deps.snapshots.get();
  // Queries here are limited to the namespace and not grouped by it.
  const source = (l: Record<string, string>) => names.source(l, namespace);
  const destination = (l: Record<string, string>) => names.destination(l, namespace);
  const answer = new Answer(deps.topology.errors(), deps.proxyErrors());
  const w = window.seconds;
  const e = deps.engine;
  const inbound = [eq('direction', 'inbound'), eq('namespace', namespace)];
  const outboundTo = [eq('direction', 'outbound'), eq('dst_namespace', namespace)];
  const tcpIn = [...inbound, eq('peer', 'src')];
  const [resp, lat, req, conns, readB, writeB, outResp, outLat, outReq, svcResp, svcLat, svcReq] =
    await Promise.all([
      answer.metrics(
        e.rate({
          metric: 'response_total',
          matchers: inbound,
          by: [...SOURCE_LABELS, 'classification'],
          windowSeconds: w,
        }),
      ),
      answer.metrics(
        e.quantiles({
          histogram: 'response_latency_ms',
          matchers: inbound,
          by: SOURCE_LABELS,
          windowSeconds: w,
          quantiles: QUANTILES,
        }),
      ),
      answer.metrics(
        e.rate({
          metric: 'request_total',
          matchers: inbound,
          by: [...SOURCE_LABELS, 'tls', 'no_tls_reason'],
          windowSeconds: w,
        }),
      ),
      answer.metrics(
        e.gauge({
          metric: 'tcp_open_connections',
          matchers: tcpIn,
          by: SOURCE_LABELS,
          aggregate: 'sum',
        }),
      ),
      answer.metrics(
        e.rate({
          metric: 'tcp_read_bytes_total',
          matchers: tcpIn,
          by: SOURCE_LABELS,
          windowSeconds: w,
        }),
      ),
      answer.metrics(
        e.rate({
          metric: 'tcp_write_bytes_total',
          matchers: tcpIn,
          by: SOURCE_LABELS,
          windowSeconds: w,
        }),
      ),
      answer.metrics(
        e.rate({
          metric: 'response_total',
          matchers: outboundTo,
          by: [...DST_LABELS, 'classification'],
          windowSeconds: w,
        }),
      ),
      answer.metrics(
        e.quantiles({
          histogram: 'response_latency_ms',
          matchers: outboundTo,
          by: DST_LABELS,
          windowSeconds: w,
          quantiles: QUANTILES,
        }),
      ),
      answer.metrics(
        e.rate({
          metric: 'request_total',
          matchers: outboundTo,
          by: [...DST_LABELS, 'tls', 'no_tls_reason'],
          windowSeconds: w,
        }),
      ),
      answer.metrics(
        e.rate({
          metric: 'response_total',
          matchers: outboundTo,
          by: ['dst_service', 'authority', 'classification'],
          windowSeconds: w,
        }),
      ),
      answer.metrics(
        e.quantiles({
          histogram: 'response_latency_ms',
          matchers: outboundTo,
          by: ['dst_service'],
          windowSeconds: w,
          quantiles: QUANTILES,
        }),
      ),
      answer.metrics(
        e.rate({
          metric: 'request_total',
          matchers: outboundTo,
          by: ['dst_service', 'authority', 'tls', 'no_tls_reason'],
          windowSeconds: w,
        }),
      ),
    ]);
  const maps = {
    resp: byWorkload(resp, source),
    req: byWorkload(req, source),
    conns: byWorkload(conns, source),
    readB: byWorkload(readB, source),
    writeB: byWorkload(writeB, source),
    outResp: byWorkload(outResp, destination),
    outReq: byWorkload(outReq, destination),
  };
  // A workload whose series carry several label values (a Rollout's ReplicaSets) gets its
  // quantiles from a query of its own: quantiles of parts do not make the whole's.
  const spanning = new Map(
    await Promise.all(
      names
        .spanning()
        .filter((x) => x.namespace === namespace)
        .map(
          async (x) =>
            [
              wkey(x.kind, x.name),
              (
                await answer.metrics(
                  e.quantiles({
                    histogram: 'response_latency_ms',
                    matchers: [
                      eq('direction', 'inbound'),
                      ...names.self(x.namespace, x.kind, x.name),
                    ],
                    by: [],
                    windowSeconds: w,
                    quantiles: QUANTILES,
                  }),
                )
              )[0]?.values,
            ] as const,
        ),
    ),
  );
  const latency = (samples: typeof lat, dst: boolean, k: string) => {
    if (!dst && spanning.has(k)) return spanning.get(k);
    return samples.find((s) => {
      const x = dst ? destination(s.labels) : source(s.labels);
      return x && wkey(x.kind, x.name) === k;
    })?.values;
  };
  const tcpValue = (m: Map<string, Sample[]>, k: string) => {
    const list = m.get(k);
    return list && list.length > 0 ? list.reduce((a, s) => a + s.value, 0) : null;
  };
  const mtlsFrom = (samples: Sample[] | undefined) => mtlsOfSamples(samples ?? []);

  const rows: WorkloadRow[] = [];
  if (kind !== 'services') {
    for (const wl of workloadsOf(snapshot, pods, namespace)) {
      if (kind && wl.kind !== kind) continue;
      const k = wkey(wl.kind, wl.name);
      // Server-side numbers need a proxy; an unmeshed workload is seen through its clients.
      const own = wl.meshedPods > 0;
      const { success, failure } = outcomes((own ? maps.resp.get(k) : maps.outResp.get(k)) ?? []);
      rows.push({
        namespace,
        kind: wl.kind,
        name: wl.name,
        meshedPods: wl.meshedPods,
        totalPods: wl.totalPods,
        ...golden(success, failure, own ? latency(lat, false, k) : latency(outLat, true, k)),
        tcp: {
          openConnections: tcpValue(maps.conns, k),
          readBytesPerSec: tcpValue(maps.readB, k),
          writeBytesPerSec: tcpValue(maps.writeB, k),
        },
        mtls: mtlsFrom(own ? maps.req.get(k) : maps.outReq.get(k)),
      });
    }
  }
  // The service a client called: `dst_service`, or else the service its authority names.
  const calls = (l: Record<string, string>) =>
    l.dst_service ??
    (() => {
      const named = serviceOfAuthority(l.authority, snapshot.clusterDomain);
      return named?.namespace === namespace ? named.name : undefined;
    })();
  if (kind === undefined || kind === 'services') {
    for (const svc of snapshot.services
      .filter((s) => s.namespace === namespace)
      .sort((a, b) => a.name.localeCompare(b.name))) {
      const backing = pods.filter(
        (p) =>
          p.namespace === namespace &&
          serviceSelects(svc.selector, p.labels) &&
          p.phase === 'Running',
      );
      const { success, failure } = outcomes(svcResp.filter((s) => calls(s.labels) === svc.name));
      rows.push({
        namespace,
        kind: 'services',
        name: svc.name,
        meshedPods: backing.filter((p) => p.meshed).length,
        totalPods: backing.length,
        ...golden(success, failure, svcLat.find((s) => s.labels.dst_service === svc.name)?.values),
        tcp: { openConnections: null, readBytesPerSec: null, writeBytesPerSec: null },
        mtls: mtlsFrom(svcReq.filter((s) => calls(s.labels) === svc.name)),
      });
    }
  }
  return { window: window.text, namespace, workloads: rows, errors: answer.errors };
}
