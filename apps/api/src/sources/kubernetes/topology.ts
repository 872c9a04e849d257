import {
  ApisApi,
  KubeConfig,
  KubernetesObjectApi,
  makeInformer,
  type ListWatch,
  type KubernetesObject,
  type V1Pod,
} from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { slimController, slimPod } from '../../model/workloads';
import { listPath, watchedResources, type WatchedResource } from './resources';

export interface ResourceState {
  synced: boolean;
  /** Not served by this cluster (a CRD that is not installed), as discovery says. */
  absent: boolean;
  /** The group version that serves it here (an optional CRD may be served at an older one). */
  apiVersion: string;
  error?: string;
  /** Errors seen so far, to tell whether an attempt failed. */
  failures: number;
}

type Store = ListWatch<KubernetesObject>;

/** The object client, with its cached per-group-version discovery made public. */
class ObjectClient extends KubernetesObjectApi {
  /** The resource of `kind` that `groupVersion` serves, from `/apis/<group>/<version>`. */
  served(groupVersion: string, kind: string) {
    return this.resource(groupVersion, kind);
  }
}

/**
 * The cluster's objects, kept current by list+watch informers. An informer
 * whose watch fails is restarted with backoff; a 410 Gone re-lists (the
 * informer does that itself).
 */
export class Topology {
  private readonly informers = new Map<string, Store>();
  private readonly states = new Map<string, ResourceState>();
  private stopped = false;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly pending = new Set<string>();
  private readonly attempts = new Map<string, number>();
  /** Bumped on every change, so derived views can be cached. */
  version = 0;

  private readonly objects: ObjectClient;
  private readonly watched: WatchedResource[];
  private readonly apis: ApisApi;

  constructor(
    private readonly kc: KubeConfig,
    private readonly log: Logger,
    linkerdNamespace = 'linkerd',
    /** How often discovery is asked again whether a missing CRD got installed. */
    private readonly rediscoverMs = 5 * 60_000,
  ) {
    this.watched = watchedResources(linkerdNamespace);
    this.objects = kc.makeApiClient(ObjectClient);
    this.apis = kc.makeApiClient(ApisApi);
  }

  /**
   * In a pod: the service account's token (client-node re-reads the file every
   * minute, so a rotated bound token is picked up), the cluster CA and
   * KUBERNETES_SERVICE_HOST/PORT. Else a kubeconfig.
   */
  static fromKubeconfig(
    path: string | undefined,
    inCluster: boolean,
    serviceAccountRoot = '',
  ): KubeConfig {
    const kc = new KubeConfig();
    if (inCluster) kc.loadFromCluster(serviceAccountRoot);
    else if (path) kc.loadFromFile(path);
    else kc.loadFromDefault();
    return kc;
  }

  async start(): Promise<void> {
    await this.discoverAndStart(this.watched);
    this.schedule(() => this.rediscover(), this.rediscoverMs);
  }

  /**
   * Which version of its group serves each optional resource: the one
   * meshviz knows first, else the group's preferred version, else any
   * other that serves the kind (older CRD versions are accepted). A group
   * discovery does not list is not installed: a fact, not an error.
   */
  private async discoverAndStart(resources: readonly WatchedResource[]): Promise<void> {
    let groups: Map<string, string[]> | undefined;
    if (resources.some((r) => r.optional)) {
      try {
        const list = await this.apis.getAPIVersions();
        groups = new Map(
          list.groups.map((g) => [
            g.name,
            [
              ...new Set([
                ...(g.preferredVersion ? [g.preferredVersion.groupVersion] : []),
                ...g.versions.map((v) => v.groupVersion),
              ]),
            ],
          ]),
        );
      } catch (err) {
        // Discovery failed (API down): start as declared; the informers report and retry.
        this.log.warn({ err: describe(err) }, 'API discovery failed');
      }
    }
    await Promise.all(
      resources.map(async (r) => {
        const state = this.stateOf(r);
        if (r.optional && groups) {
          const served = await this.servedVersion(r, groups);
          state.absent = served === undefined;
          if (served) state.apiVersion = served;
          if (state.absent) {
            state.synced = true;
            return;
          }
        }
        await this.startOne(r);
      }),
    );
  }

  private async servedVersion(
    r: WatchedResource,
    groups: Map<string, string[]>,
  ): Promise<string | undefined> {
    const versions = groups.get(r.apiVersion.split('/')[0] ?? '');
    if (!versions) return undefined;
    const candidates = [
      ...(versions.includes(r.apiVersion) ? [r.apiVersion] : []),
      ...versions.filter((v) => v !== r.apiVersion),
    ];
    for (const gv of candidates) {
      try {
        if (await this.objects.served(gv, r.kind)) return gv;
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
    return undefined;
  }

  /** Asks discovery again about the CRDs that were missing, and watches those now installed. */
  private async rediscover(): Promise<void> {
    const missing = this.watched.filter((r) => this.states.get(r.key)?.absent);
    if (missing.length > 0) {
      await this.discoverAndStart(missing).catch((err: unknown) =>
        this.log.warn({ err: describe(err) }, 'API rediscovery failed'),
      );
      if (missing.some((r) => !this.states.get(r.key)?.absent)) this.version++;
    }
    this.schedule(() => this.rediscover(), this.rediscoverMs);
  }

  private schedule(run: () => Promise<void>, ms: number): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void run();
    }, ms);
    timer.unref();
    this.timers.add(timer);
  }

  private stateOf(r: WatchedResource): ResourceState {
    let state = this.states.get(r.key);
    if (!state) {
      state = { synced: false, absent: false, failures: 0, apiVersion: r.apiVersion };
      this.states.set(r.key, state);
    }
    return state;
  }

  /** Each watched resource and the version that serves it, or null where the cluster lacks it. */
  served(): { key: string; kind: string; group: string; apiVersion: string | null }[] {
    return this.watched.map((r) => {
      const state = this.states.get(r.key);
      return {
        key: r.key,
        kind: r.kind,
        group: r.apiVersion.includes('/') ? (r.apiVersion.split('/')[0] ?? '') : '',
        apiVersion: state?.absent ? null : (state?.apiVersion ?? r.apiVersion),
      };
    });
  }

  /**
   * Starts (or restarts) one resource's informer. The same informer is
   * reused on every attempt, so while the API is down the objects it last
   * listed keep answering. `start()` reports failures through the error
   * callback rather than by rejecting: an attempt succeeded when no error
   * arrived while it ran.
   */
  private async startOne(r: WatchedResource): Promise<void> {
    if (this.stopped) return;
    const state = this.stateOf(r);
    let informer = this.informers.get(r.key);
    if (!informer) {
      const at = { ...r, apiVersion: state.apiVersion };
      informer = makeInformer(this.kc, listPath(at), () =>
        this.objects.list(at.apiVersion, at.kind, at.namespace),
      ) as unknown as Store;
      this.informers.set(r.key, informer);
      const bump = () => {
        this.version++;
      };
      const keep = (obj: KubernetesObject) => {
        forgetUnused(obj);
        if (r.key === 'pods') slimPod(obj as V1Pod);
        else if (CONTROLLERS.has(r.key)) slimController(obj);
        bump();
      };
      informer.on('add', keep);
      informer.on('update', keep);
      informer.on('delete', bump);
      informer.on('error', (err: unknown) => {
        // Stopping aborts every watch: that is no failure, and nothing restarts.
        if (this.stopped) return;
        state.failures++;
        state.error = describe(err);
        this.log.warn({ resource: r.key, err: state.error }, 'watch failed; restarting');
        this.version++;
        this.retry(r);
      });
    }
    const failuresBefore = state.failures;
    await informer.start();
    if (state.failures === failuresBefore) {
      state.synced = true;
      state.error = undefined;
      this.attempts.delete(r.key);
      this.version++;
    }
  }

  /** One pending restart per resource, with exponential backoff up to 30 s. */
  private retry(r: WatchedResource): void {
    if (this.stopped || this.pending.has(r.key)) return;
    const attempt = (this.attempts.get(r.key) ?? 0) + 1;
    this.attempts.set(r.key, attempt);
    const delay = Math.min(30_000, 500 * 2 ** Math.min(attempt, 6));
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.pending.delete(r.key);
      void this.startOne(r);
    }, delay);
    this.timers.add(timer);
    this.pending.add(r.key);
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    for (const i of this.informers.values()) i.stop();
  }

  list<T extends KubernetesObject>(key: string, namespace?: string): T[] {
    const informer = this.informers.get(key);
    if (!informer || this.states.get(key)?.absent) return [];
    return informer.list(namespace) as T[];
  }

  get<T extends KubernetesObject>(
    key: string,
    namespace: string | undefined,
    name: string,
  ): T | undefined {
    return this.informers.get(key)?.get(name, namespace) as T | undefined;
  }

  /**
   * Problems to report with any answer built from the topology, one per
   * distinct error (an outage fails every resource the same way).
   */
  errors(): string[] {
    const byMessage = new Map<string, { keys: string[]; stale: boolean }>();
    for (const [key, s] of this.states) {
      if (!s.error) continue;
      const entry = byMessage.get(s.error) ?? { keys: [], stale: false };
      entry.keys.push(key);
      entry.stale ||= s.synced;
      byMessage.set(s.error, entry);
    }
    return [...byMessage].map(([message, { keys, stale }]) => {
      const which =
        keys.length > 3
          ? `${keys.slice(0, 3).join(', ')} and ${keys.length - 3} more`
          : keys.join(', ');
      return `Kubernetes API: ${message} (${which}; ${stale ? 'showing the last known objects' : 'not synced'})`;
    });
  }

  notReady(): string[] {
    return [...this.states]
      .filter(([, s]) => !s.synced && !s.absent)
      .map(([key]) => `topology: ${key} not synced`);
  }
}

function isNotFound(err: unknown): boolean {
  const e = err as { code?: number; statusCode?: number; message?: string };
  return e?.code === 404 || e?.statusCode === 404 || /\b404\b|not found/i.test(e?.message ?? '');
}

/** Workload controllers: the topology reads their names, owners and annotations only. */
const CONTROLLERS = new Set([
  'deployments',
  'replicasets',
  'statefulsets',
  'daemonsets',
  'jobs',
  'cronjobs',
  'replicationcontrollers',
]);

/**
 * Drops what meshviz never reads from an object the informer keeps:
 * `managedFields` and the last-applied configuration are often most of an
 * object's size. The informer's cache holds this same object.
 */
function forgetUnused(obj: KubernetesObject): void {
  const meta = obj.metadata;
  if (!meta) return;
  delete meta.managedFields;
  if (meta.annotations) delete meta.annotations['kubectl.kubernetes.io/last-applied-configuration'];
}

/**
 * A refusal by RBAC, as the permission it lacks: kube-apiserver says
 * `... cannot list resource "pods" in API group "" at the cluster scope`.
 */
function missingPermission(err: unknown): string | undefined {
  const e = err as { code?: number; body?: unknown; message?: string };
  if (e?.code !== 403 && !/\b403\b|forbidden/i.test(e?.message ?? '')) return undefined;
  let text = e?.message ?? '';
  try {
    const body = typeof e.body === 'string' ? (JSON.parse(e.body) as { message?: string }) : e.body;
    if (body && typeof body === 'object' && 'message' in body) text = String(body.message);
  } catch {
    // Not JSON: keep the message.
  }
  const m =
    /cannot (\w+) resource "([^"]+)" in API group "([^"]*)"( in the namespace "[^"]+"| at the cluster scope)?/.exec(
      text,
    );
  if (!m) return 'Forbidden';
  const resource = m[3] ? `${m[2]}.${m[3]}` : m[2];
  return `Forbidden: missing permission to ${m[1]} ${resource}${m[4] ?? ''}`;
}

function describe(err: unknown): string {
  const forbidden = missingPermission(err);
  if (forbidden) return forbidden;
  if (err instanceof Error)
    return err.cause instanceof Error ? `${err.message}: ${err.cause.message}` : err.message;
  if (err && typeof err === 'object' && 'message' in err)
    return String((err as { message: unknown }).message);
  return String(err);
}
