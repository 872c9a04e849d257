import type { Finding, FindingsResponse } from '@meshviz/shared';
import { objectKind } from '../model/kinds';
import { renewalOverdueBelow } from '../model/linkerd-config';
import { policyTarget, selects } from '../model/policy';
import { serviceRouteConfig, type CrdObject } from '../model/route-config';
import { workloadsOf } from '../model/workloads';
import { Answer } from './answer';
import { controlPlaneView } from './control-plane';
import { egressDestinations } from './egress';
import type { MeshDeps } from './deps';
import { certificateExpiries } from './mtls';
import { opaqueRouteObjects, opaqueRoutesFor } from './opaque-route-rows';
import { authzRates, policyObjects } from './policy';

const SEVERITY_ORDER = { critical: 0, warning: 1, info: 2 } as const;

function fmtDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return h > 0 ? `${h}h ${m}m` : `${m}m`;
}

/**
 * What is wrong with the mesh's configuration, each with the objects
 * involved and how to fix it. Healthy objects produce nothing.
 */
export async function findingsView(
  deps: MeshDeps,
  window: { seconds: number; text: string },
  now = Date.now() / 1000,
): Promise<FindingsResponse> {
  const { snapshot, pods } = deps.snapshots.get();
  const answer = new Answer(deps.topology.errors(), deps.proxyErrors());
  // The metrics first: the configuration's checks below run while the queries are out.
  const metrics = Promise.all([
    certificateExpiries(deps, answer),
    authzRates(deps, answer, undefined, window.seconds),
    egressDestinations(deps, window, { latency: false }),
  ]);
  const o = policyObjects(deps, snapshot);
  const out: Finding[] = [];
  const nsNames = snapshot.namespaces.map((n) => n.name);

  for (const s of o.servers) {
    const ns = s.metadata.namespace;
    if (!pods.some((p) => p.namespace === ns && selects(s.spec?.podSelector, p.labels)))
      out.push({
        severity: 'warning',
        code: 'server-selects-no-pod',
        message: `Server ${ns}/${s.metadata.name} selects no pod, so its policy protects nothing.`,
        objects: [`Server ${ns}/${s.metadata.name}`],
        fix: 'Fix spec.podSelector to match the pods it should cover, or delete the Server.',
      });
  }

  for (const p of o.policies) {
    const t = policyTarget(p, o, nsNames);
    if (t.missing)
      out.push({
        severity: 'warning',
        code: 'policy-target-missing',
        message: `AuthorizationPolicy ${p.metadata.namespace}/${p.metadata.name} targets ${t.kind} ${t.namespace}/${t.name}, which does not exist: it authorizes nothing.`,
        objects: [
          `AuthorizationPolicy ${p.metadata.namespace}/${p.metadata.name}`,
          `${t.kind} ${t.namespace}/${t.name}`,
        ],
        fix: `Create ${t.kind} ${t.name} or point spec.targetRef at an existing one.`,
      });
  }

  const profiles = deps.topology.list<
    CrdObject & { metadata: { name: string; namespace: string } }
  >('serviceprofiles');
  for (const sp of profiles) {
    const ns = sp.metadata.namespace;
    const svc = snapshot.services.find(
      (s) => `${s.name}.${s.namespace}.svc.${snapshot.clusterDomain}` === sp.metadata.name,
    );
    if (!svc || svc.namespace !== ns)
      out.push({
        severity: 'warning',
        code: 'serviceprofile-without-service',
        message: `ServiceProfile ${ns}/${sp.metadata.name} is not named after an existing Service's FQDN (<service>.<namespace>.svc.${snapshot.clusterDomain}), so no proxy uses it.`,
        objects: [`ServiceProfile ${ns}/${sp.metadata.name}`],
        fix: "Rename it to the FQDN of the Service it is meant for, in that Service's namespace, or delete it.",
      });
  }

  const opaque = opaqueRouteObjects(deps);
  for (const svc of snapshot.services) {
    for (const r of opaqueRoutesFor(deps, svc, opaque)) {
      const missing = r.backends.filter((b) => !b.exists);
      if (missing.length && !r.problem)
        out.push({
          severity: 'warning',
          code: 'route-backend-missing',
          message: `${r.object} sends ${Math.round(missing.reduce((sum, b) => sum + b.weight, 0) * 100)}% of the connections to Service ${svc.namespace}/${svc.name} to ${missing.map((b) => `${b.namespace}/${b.name}`).join(', ')}, which is no Service: proxies close those connections at once (error "invalid_backend").`,
          objects: [r.object, `Service ${svc.namespace}/${svc.name}`],
          fix: 'Create the missing Service, or remove its backendRef from the route.',
        });
      if (r.problem)
        out.push({
          severity: 'warning',
          code: 'route-rejected',
          message: `${r.object} is attached to Service ${svc.namespace}/${svc.name} but ${r.problem}: no proxy takes it.`,
          objects: [r.object],
          fix: 'Give the route exactly one rule.',
        });
    }
    const cfg = serviceRouteConfig(svc, profiles, o.httpRoutes, snapshot.clusterDomain);
    for (const sh of cfg.shadowed)
      out.push({
        severity: 'warning',
        code: 'httproute-shadowed',
        message: `${sh.object} is attached to Service ${svc.namespace}/${svc.name} but ${sh.reason}: its routes, timeouts and retries do not apply.`,
        objects: [
          sh.object,
          `ServiceProfile ${svc.namespace}/${cfg.profile?.metadata?.name ?? ''}`,
        ],
        fix: 'Move the configuration into the ServiceProfile, or delete the ServiceProfile to let the HTTPRoute take effect.',
      });
    if (cfg.ignoredAnnotations.length)
      out.push({
        severity: 'warning',
        code: 'annotation-shadowed',
        message: `Service ${svc.namespace}/${svc.name} has ${cfg.ignoredAnnotations.join(', ')}, but ServiceProfile ${cfg.profile?.metadata?.name ?? ''} exists for it: proxies use the profile's retries and timeouts and ignore these annotations.`,
        objects: [
          `Service ${svc.namespace}/${svc.name}`,
          `ServiceProfile ${svc.namespace}/${cfg.profile?.metadata?.name ?? ''}`,
        ],
        fix: 'Configure retries (isRetryable, retryBudget) and timeouts in the ServiceProfile, or delete the ServiceProfile so that the annotations take effect.',
      });
    // linkerd/website reference/retries.md: retry.linkerd.io/http is not valid on a
    // GRPCRoute, retry.linkerd.io/grpc not on an HTTPRoute (the policy controller reads
    // only its kind's conditions: parse_http_retry, parse_grpc_retry).
    for (const m of cfg.misplacedAnnotations)
      out.push({
        severity: 'warning',
        code: 'annotation-misplaced',
        message: `${m.object} has ${m.keys.join(', ')}, which Linkerd does not read on a ${m.kind}: those retry conditions do nothing.`,
        objects: [m.object],
        fix:
          m.kind === 'GRPCRoute'
            ? 'Name gRPC statuses in retry.linkerd.io/grpc (cancelled, deadline-exceeded, internal, resource-exhausted, unavailable) instead.'
            : 'Name HTTP statuses in retry.linkerd.io/http (5xx, gateway-error, 504, 500-504) instead.',
      });
  }

  for (const w of workloadsOf(snapshot, pods)) {
    const kind = objectKind(w.kind);
    const pending = w.pods.filter((p) => p.injectionPending);
    if (pending.length)
      out.push({
        severity: 'warning',
        code: 'injection-pending',
        message: `${pending.length} of ${w.totalPods} pods of ${kind} ${w.namespace}/${w.name} have no proxy although injection is enabled: they started before it was.`,
        objects: [
          `${kind} ${w.namespace}/${w.name}`,
          ...pending.map((p) => `Pod ${p.namespace}/${p.name}`),
        ],
        fix: `Restart the workload (kubectl rollout restart ${kind.toLowerCase()}/${w.name} -n ${w.namespace}) so the injector adds the proxy.`,
      });
  }

  const cp = controlPlaneView(deps);
  if (cp.version) {
    for (const w of workloadsOf(snapshot, pods)) {
      const kind = objectKind(w.kind);
      const off = w.pods.filter((p) => p.meshed && p.proxyVersion && p.proxyVersion !== cp.version);
      if (off.length)
        out.push({
          severity: 'warning',
          code: 'proxy-version-mismatch',
          message: `${kind} ${w.namespace}/${w.name} runs proxy ${[...new Set(off.map((p) => p.proxyVersion))].join(', ')} while the control plane is ${cp.version}.`,
          objects: [`${kind} ${w.namespace}/${w.name}`],
          fix: `Restart the workload so it is re-injected with proxy ${cp.version}.`,
        });
    }
  }

  const [certs, rates, egress] = await metrics;
  answer.adopt(egress.errors);
  for (const d of egress.destinations) {
    if (d.verdict !== 'denied' || d.perSecond <= 0 || !d.network) continue;
    const net = `EgressNetwork ${d.network.namespace}/${d.network.name}`;
    const what = d.protocol === 'http' || d.protocol === 'grpc' ? 'requests' : 'connections';
    const to = `${d.hostname ?? 'a host outside the cluster'}${d.port !== null ? `:${d.port}` : ''}`;
    out.push({
      severity: 'warning',
      code: 'egress-denied',
      message: `${net} refused ${d.perSecond.toFixed(2)} ${what}/s from ${d.client.namespace}/${d.client.name} to ${to} over the last ${window.text}: no route attached to it matches, and its trafficPolicy is Deny.`,
      objects: [net, `${objectKind(d.client.kind)} ${d.client.namespace}/${d.client.name}`],
      fix: `If these calls should leave the cluster, attach a ${d.protocol === 'tls' ? 'TLSRoute' : d.protocol === 'tcp' ? 'TCPRoute' : d.protocol === 'grpc' ? 'GRPCRoute' : 'HTTPRoute'} for ${to} to ${net}; otherwise stop the workload calling it.`,
    });
  }
  const { linkerd } = deps.snapshots.get().snapshot;
  const lifetime = linkerd.issuanceLifetimeSeconds;
  for (const c of certs) {
    const left = c.expiresAt - now;
    // A renewing certificate always has at least 30% of its lifetime (linkerd-config's
    // issuanceLifetime) left; less means renewal is failing and the proxy will lose its identity.
    if (left < renewalOverdueBelow(linkerd))
      out.push({
        severity: left < 3600 ? 'critical' : 'warning',
        code: 'certificate-expiring',
        message: `The identity certificate of pod ${c.namespace}/${c.pod} expires in ${left > 0 ? fmtDuration(left) : 'the past'} and was not renewed at 70% of its ${fmtDuration(lifetime)} lifetime.`,
        objects: [`Pod ${c.namespace}/${c.pod}`],
        fix: "Check the proxy's log for identity errors and that linkerd-identity is healthy; restart the pod to get a new certificate.",
      });
  }

  const denied = new Map<string, { rps: number; clients: Map<string, number> }>();
  for (const s of rates.deny) {
    if (s.value <= 0) continue;
    const key = `${s.labels.namespace}/${s.labels.srv_kind ?? ''}/${s.labels.srv_name ?? ''}`;
    const d = denied.get(key) ?? { rps: 0, clients: new Map() };
    d.rps += s.value;
    const id = s.labels.client_id || 'unauthenticated';
    d.clients.set(id, (d.clients.get(id) ?? 0) + s.value);
    denied.set(key, d);
  }
  for (const [key, d] of denied) {
    const [ns, kind, name] = key.split('/');
    const srv = kind === 'default' ? `default policy (${name})` : `Server ${ns}/${name}`;
    out.push({
      severity: 'warning',
      code: 'traffic-denied',
      message: `${srv} denied ${d.rps.toFixed(2)} requests/s over the last ${window.text}, from ${[...d.clients.keys()].join(', ')}.`,
      objects: [kind === 'default' ? `Namespace ${ns}` : `Server ${ns}/${name}`],
      fix: "If these clients should be allowed, add their identity to an AuthorizationPolicy's MeshTLSAuthentication for this Server; otherwise stop them calling it.",
    });
  }

  // Requests a Server's rate limit refused, with the clients that got the most 429s.
  const limits = new Map<string, { rps: number; scopes: Set<string> }>();
  for (const x of rates.limited) {
    if (x.value <= 0) continue;
    const key = `${x.labels.namespace}/${x.labels.srv_name ?? ''}/${x.labels.ratelimit_name ?? ''}`;
    const l = limits.get(key) ?? { rps: 0, scopes: new Set<string>() };
    l.rps += x.value;
    if (x.labels.ratelimit_scope) l.scopes.add(x.labels.ratelimit_scope);
    limits.set(key, l);
  }
  for (const [key, l] of limits) {
    const [ns = '', srv = '', policy = ''] = key.split('/');
    const clients = new Map<string, number>();
    for (const x of rates.tooMany) {
      if (x.labels.namespace !== ns || x.labels.srv_name !== srv || x.value <= 0) continue;
      const id = x.labels.client_id || 'clients without an identity';
      clients.set(id, (clients.get(id) ?? 0) + x.value);
    }
    const top = [...clients].sort((a, b) => b[1] - a[1]).slice(0, 3);
    out.push({
      severity: 'warning',
      code: 'rate-limit-hit',
      message: `HTTPLocalRateLimitPolicy ${ns}/${policy} refused ${l.rps.toFixed(2)} requests/s to Server ${ns}/${srv} over the last ${window.text} (${[...l.scopes].sort().join(' and ')} limit)${top.length ? `; 429s went to ${top.map(([id, rps]) => `${id} (${rps.toFixed(2)}/s)`).join(', ')}` : ''}.`,
      objects: [`HTTPLocalRateLimitPolicy ${ns}/${policy}`, `Server ${ns}/${srv}`],
      fix: 'If these clients need more, raise the limit or give their ServiceAccount an override; each proxy enforces the limit on its own, so more replicas admit more in all. Otherwise have the clients slow down or retry later.',
    });
  }

  out.sort(
    (a, b) =>
      SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || a.code.localeCompare(b.code),
  );
  return { window: window.text, findings: out, errors: answer.errors };
}
