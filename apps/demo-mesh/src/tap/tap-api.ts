import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  ApiError,
  frame,
  TAP_API_PREFIX,
  TapByResourceRequest,
  TapEvent,
  uintToIpv4,
} from '@meshviz/shared/tap-proto';
import type { Cluster, SimPod } from '../cluster/cluster';
import { CONTROL_PLANE_NS } from '../cluster/linkerd';
import { resourceForKind, type ResourceType } from '../kube/resources';
import { matchesLabels } from '../kube/selectors';
import { status } from '../kube/status';
import type { KubeObject } from '../kube/types';
import { ownerLabel } from '../traffic/labels';
import type { ProxyEvent, ProxyMatch, TapHub } from './tap-hub';

/** The resources linkerd-viz's tap APIService serves (`viz/tap/api/handlers.go`). */
const TAP_RESOURCES: { name: string; kind: string; namespaced: boolean }[] = [
  { name: 'namespaces', kind: 'namespace', namespaced: false },
  { name: 'pods', kind: 'pod', namespaced: true },
  { name: 'replicationcontrollers', kind: 'replicationcontroller', namespaced: true },
  { name: 'services', kind: 'service', namespaced: true },
  { name: 'daemonsets', kind: 'daemonset', namespaced: true },
  { name: 'deployments', kind: 'deployment', namespaced: true },
  { name: 'replicasets', kind: 'replicaset', namespaced: true },
  { name: 'statefulsets', kind: 'statefulset', namespaced: true },
  { name: 'jobs', kind: 'job', namespaced: true },
  { name: 'cronjobs', kind: 'cronjob', namespaced: true },
];

/** The tap component's default when a request asks for no rate (`defaultMaxRps`). */
const DEFAULT_MAX_RPS = 100;
/** A tap request is a few hundred bytes; more is refused before decoding. */
const MAX_BODY = 1024 * 1024;

export interface TapTarget {
  namespace: string;
  /** `namespaces`, `deployments`, ... */
  resource: string;
  name: string;
}

/**
 * `.../watch/namespaces/:ns/tap` (a namespace) or
 * `.../watch/namespaces/:ns/:resource/:name/tap`; undefined for any other path.
 */
export function parseTapPath(path: string): TapTarget | undefined {
  if (!path.startsWith(`${TAP_API_PREFIX}/watch/`)) return undefined;
  const parts = path.slice(TAP_API_PREFIX.length + '/watch/'.length).split('/');
  if (parts[0] !== 'namespaces' || parts.at(-1) !== 'tap') return undefined;
  if (parts.length === 3)
    return { namespace: parts[1] ?? '', resource: 'namespaces', name: parts[1] ?? '' };
  if (parts.length !== 5) return undefined;
  const [, namespace = '', resource = '', name = ''] = parts;
  return TAP_RESOURCES.some((r) => r.name === resource && r.namespaced)
    ? { namespace, resource, name }
    : undefined;
}

function sendJson(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json' });
  res.end(text);
}

/**
 * An error as the tap component writes it (linkerd2 `pkg/protohttp`): the
 * `linkerd-error` header with the status text, and a framed `ApiError`, on a
 * response whose status line stays 200.
 */
function sendTapError(res: ServerResponse, statusText: string, message: string): void {
  res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'linkerd-error': statusText });
  res.end(frame(ApiError.encode(ApiError.fromObject({ error: message })).finish()));
}

/** The apiserver-facing side of linkerd-viz's tap component, over the demo cluster. */
export class TapApi {
  constructor(
    private readonly cluster: Cluster,
    private readonly hub: TapHub,
  ) {}

  /** Answers a request under `/apis/tap.linkerd.io`. */
  handle(req: IncomingMessage, res: ServerResponse): void {
    const path = new URL(req.url ?? '/', 'http://kube').pathname.replace(/\/$/, '');
    if (req.method === 'GET' && path === '/apis/tap.linkerd.io') {
      sendJson(res, 200, { kind: 'APIGroup', apiVersion: 'v1', ...TAP_API_GROUP });
      return;
    }
    if (req.method === 'GET' && path === TAP_API_PREFIX) {
      sendJson(res, 200, {
        kind: 'APIResourceList',
        apiVersion: 'v1',
        groupVersion: 'tap.linkerd.io/v1alpha1',
        resources: TAP_RESOURCES.flatMap((r) => [
          { name: r.name, namespaced: r.namespaced, kind: 'Tap', verbs: ['watch'] },
          { name: `${r.name}/tap`, namespaced: r.namespaced, kind: 'Tap', verbs: ['watch'] },
        ]),
      });
      return;
    }
    const target = parseTapPath(path);
    if (!target || req.method !== 'POST') {
      sendJson(
        res,
        404,
        status(404, 'NotFound', 'the server could not find the requested resource'),
      );
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on('end', () => {
      if (size > MAX_BODY) {
        sendTapError(res, 'Bad Request', `tap request of ${size} bytes is too large`);
        return;
      }
      this.tap(req, res, path, Buffer.concat(chunks));
    });
  }

  private tap(req: IncomingMessage, res: ServerResponse, path: string, body: Buffer): void {
    let request: Record<string, unknown>;
    try {
      request = TapByResourceRequest.toObject(TapByResourceRequest.decode(body), {
        oneofs: true,
        defaults: false,
      });
    } catch (err) {
      sendTapError(
        res,
        'Bad Request',
        `Error decoding Tap Request proto: ${err instanceof Error ? err.message : String(err)}`,
      );
      return;
    }
    const resource = ((request.target as { resource?: Record<string, string> } | undefined)
      ?.resource ?? {}) as { namespace?: string; type?: string; name?: string };
    // The body must name what the path names (`pkg.TapReqToURL`).
    const url =
      resource.type === 'namespace'
        ? `${TAP_API_PREFIX}/watch/namespaces/${resource.name ?? ''}/tap`
        : `${TAP_API_PREFIX}/watch/namespaces/${resource.namespace ?? ''}/${resource.type ?? ''}s/${resource.name ?? ''}/tap`;
    if (url !== path) {
      sendTapError(
        res,
        'Internal Server Error',
        `tap request body did not match APIServer URL: ${JSON.stringify(url)} != ${JSON.stringify(path)}`,
      );
      return;
    }
    let match: ProxyMatch;
    try {
      match = proxyMatch(request.match as Record<string, unknown> | undefined);
    } catch (err) {
      sendTapError(res, 'Internal Server Error', (err as Error).message);
      return;
    }
    const type = resource.type ?? '';
    const { pods, disabled } = this.podsFor(type, resource.namespace ?? '', resource.name ?? '');
    if (pods.length === 0) {
      const lines = [`no pods to tap for ${type}/${resource.name ?? ''}`];
      if (disabled.length > 0)
        lines.push(
          `${disabled.length} pods found with tap disabled via the config.linkerd.io/disable-tap annotation:`,
          ...disabled.map((p) => `\t* ${p}`),
          'remove this annotation to make these pods valid tap targets',
        );
      sendTapError(res, 'Internal Server Error', `${lines.join('\n')}\n`);
      return;
    }
    const maxRps = Number(request.maxRps ?? 0) || DEFAULT_MAX_RPS;
    // The rate is divided evenly between the pods, at least one request a second each.
    const limitPerProxy = Math.max(1, Math.floor(maxRps / pods.length));
    res.writeHead(200, {
      'Content-Type': 'application/octet-stream',
      'Transfer-Encoding': 'chunked',
      Connection: 'keep-alive',
    });
    res.flushHeaders();
    const close = this.hub.open({
      pods: new Set(pods.map((p) => p.uid)),
      match,
      limitPerProxy,
      emit: (event) => {
        const hydrated = this.hydrate(event);
        res.write(frame(TapEvent.encode(TapEvent.fromObject(hydrated)).finish()));
      },
    });
    // The request's own 'close' comes once its body is read; the response's when the client goes.
    res.on('close', close);
  }

  /** The meshed, running pods of the target, as the tap component finds them. */
  private podsFor(
    type: string,
    namespace: string,
    name: string,
  ): { pods: SimPod[]; disabled: string[] } {
    const byName = new Map<string, SimPod>();
    for (const p of this.cluster.runningPods()) byName.set(`${p.namespace}/${p.name}`, p);
    const podType = resourceForKind('v1', 'Pod') as ResourceType;
    const ns = type === 'namespace' ? name : namespace;
    const objects = this.cluster.store.list(podType, ns).filter((pod) => {
      if (type === 'namespace') return true;
      if (type === 'pod') return pod.metadata.name === name;
      if (type === 'service') {
        const svc = this.cluster.resource('v1', 'Service', namespace, name);
        const selector = (svc?.spec as { selector?: Record<string, string> } | undefined)?.selector;
        return matchesLabels(selector, pod.metadata.labels);
      }
      return this.ownedBy(pod, type, name);
    });
    const pods: SimPod[] = [];
    const disabled: string[] = [];
    for (const o of objects) {
      const sim = byName.get(`${o.metadata.namespace ?? ''}/${o.metadata.name}`);
      if (!sim || o.metadata.labels?.['linkerd.io/control-plane-ns'] !== CONTROL_PLANE_NS) continue;
      if (o.metadata.annotations?.['config.linkerd.io/disable-tap'] === 'true')
        disabled.push(o.metadata.name);
      else pods.push(sim);
    }
    return { pods, disabled };
  }

  /** Whether `kind`/`name` is among the object's owners, following owner references up. */
  private ownedBy(object: KubeObject, kind: string, name: string, depth = 0): boolean {
    for (const ref of object.metadata.ownerReferences ?? []) {
      if (ref.kind.toLowerCase() === kind && ref.name === name) return true;
      const owner = this.cluster.resource(
        ref.apiVersion,
        ref.kind,
        object.metadata.namespace ?? '',
        ref.name,
      );
      if (owner && depth < 3 && this.ownedBy(owner, kind, name, depth + 1)) return true;
    }
    return false;
  }

  /**
   * The tap component's labels for an event's source and, inbound, its
   * destination, from the pod at that IP: its owner, name, namespace and
   * service account (linkerd2 `GetPodLabels`).
   */
  private hydrate(event: ProxyEvent): ProxyEvent {
    const labelsAt = (address: unknown): Record<string, string> => {
      const ipv4 = (address as { ip?: { ipv4?: number } } | undefined)?.ip?.ipv4;
      const ip = ipv4 === undefined ? '' : uintToIpv4(ipv4);
      const pod = this.cluster.runningPods().find((p) => p.ip === ip);
      if (!pod) return {};
      const object = this.cluster.resource('v1', 'Pod', pod.namespace, pod.name);
      const hash = object?.metadata.labels?.['pod-template-hash'];
      return {
        pod: pod.name,
        [ownerLabel(pod.ownerKind)]: pod.ownerName,
        serviceaccount: pod.serviceAccount,
        ...(pod.meshed ? { control_plane_ns: CONTROL_PLANE_NS } : {}),
        ...(hash ? { pod_template_hash: hash } : {}),
        namespace: pod.namespace,
      };
    };
    const meta = (m: unknown) =>
      (m as { labels?: Record<string, string> } | undefined)?.labels ?? {};
    const inbound = event.proxy_direction === 'INBOUND';
    return {
      ...event,
      source_meta: { labels: { ...meta(event.source_meta), ...labelsAt(event.source) } },
      destination_meta: {
        labels: inbound
          ? { ...meta(event.destination_meta), ...labelsAt(event.destination) }
          : meta(event.destination_meta),
      },
    };
  }
}

/** The tap API's group, for `/apis` discovery where the APIService is registered. */
export const TAP_API_GROUP = {
  name: 'tap.linkerd.io',
  versions: [{ groupVersion: 'tap.linkerd.io/v1alpha1', version: 'v1alpha1' }],
  preferredVersion: { groupVersion: 'tap.linkerd.io/v1alpha1', version: 'v1alpha1' },
};

/**
 * The proxy match for a request's match, as the tap component translates it
 * (`makeByResourceMatch`): only a flat `all` sequence of destination and HTTP
 * matches; anything else is refused as not implemented.
 */
function proxyMatch(match: Record<string, unknown> | undefined): ProxyMatch {
  const all = match?.all as { matches?: Record<string, unknown>[] } | undefined;
  if (!all) throw new Error(`unexpected match specified: ${JSON.stringify(match ?? {})}`);
  const out: ProxyMatch[] = [];
  for (const m of all.matches ?? []) {
    if (m.destinations) {
      const r = (m.destinations as { resource?: Record<string, string> }).resource ?? {};
      if (r.name) out.push({ destinationLabel: { key: ownerLabel(r.type ?? ''), value: r.name } });
      if (r.type !== 'namespace' && r.namespace)
        out.push({ destinationLabel: { key: 'namespace', value: r.namespace } });
    } else if (m.http) {
      const h = m.http as Record<string, string>;
      if (h.scheme !== undefined) out.push({ scheme: h.scheme });
      else if (h.method !== undefined) out.push({ method: h.method.toUpperCase() });
      else if (h.authority !== undefined) out.push({ authority: h.authority });
      else if (h.path !== undefined) out.push({ pathPrefix: h.path });
      else throw new Error(`unknown HTTP match type: ${JSON.stringify(h)}`);
    } else throw new Error(`unknown match type: ${JSON.stringify(m)}`);
  }
  return { all: out };
}

/** kube-apiserver's answer to a tap its RBAC does not allow `subject` (verb `watch` on `<resource>/tap`). */
export function tapForbidden(subject: string, target: TapTarget): ReturnType<typeof status> {
  const what = `${target.resource}.tap.linkerd.io ${JSON.stringify(target.name)}`;
  return status(
    403,
    'Forbidden',
    `${what} is forbidden: User ${JSON.stringify(subject)} cannot watch resource "${target.resource}/tap" in API group "tap.linkerd.io" in the namespace ${JSON.stringify(target.namespace)}`,
    { name: target.name, group: 'tap.linkerd.io', kind: target.resource },
  );
}
