import {
  KubeConfig,
  KubernetesObjectApi,
  makeInformer,
  type ListWatch,
  type KubernetesObject,
  type KubernetesListObject,
} from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { listPath, WATCHED, type WatchedResource } from './resources';

export interface ResourceState {
  synced: boolean;
  /** Not served by this cluster (a CRD that is not installed). */
  absent: boolean;
  error?: string;
  /** Errors seen so far, to tell whether an attempt failed. */
  failures: number;
}

type Store = ListWatch<KubernetesObject>;

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

  private readonly objects: KubernetesObjectApi;

  constructor(
    private readonly kc: KubeConfig,
    private readonly log: Logger,
  ) {
    this.objects = KubernetesObjectApi.makeApiClient(kc);
  }

  static fromKubeconfig(path: string | undefined, inCluster: boolean): KubeConfig {
    const kc = new KubeConfig();
    if (inCluster) kc.loadFromCluster();
    else if (path) kc.loadFromFile(path);
    else kc.loadFromDefault();
    return kc;
  }

  async start(): Promise<void> {
    await Promise.all(WATCHED.map((r) => this.startOne(r)));
  }

  private async fetchList(r: WatchedResource): Promise<KubernetesListObject<KubernetesObject>> {
    try {
      return await this.objects.list(r.apiVersion, r.kind);
    } catch (err) {
      // A CRD that is not installed: its group or resource is not served.
      if (r.optional && isNotFound(err)) {
        const state = this.states.get(r.key);
        if (state) state.absent = true;
        return {
          apiVersion: 'v1',
          kind: `${r.kind}List`,
          metadata: { resourceVersion: '' },
          items: [],
        };
      }
      throw err;
    }
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
    const state: ResourceState = this.states.get(r.key) ?? {
      synced: false,
      absent: false,
      failures: 0,
    };
    this.states.set(r.key, state);
    let informer = this.informers.get(r.key);
    if (!informer) {
      informer = makeInformer(this.kc, listPath(r), () => this.fetchList(r)) as unknown as Store;
      this.informers.set(r.key, informer);
      const bump = () => {
        this.version++;
      };
      informer.on('add', bump);
      informer.on('update', bump);
      informer.on('delete', bump);
      informer.on('error', (err: unknown) => {
        state.failures++;
        state.error = describe(err);
        this.log.warn({ resource: r.key, err: state.error }, 'watch failed; restarting');
        this.version++;
        this.retry(r);
      });
    }
    const failuresBefore = state.failures;
    await informer.start();
    if (state.absent) {
      informer.stop();
      return;
    }
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

function describe(err: unknown): string {
  if (err instanceof Error)
    return err.cause instanceof Error ? `${err.message}: ${err.cause.message}` : err.message;
  if (err && typeof err === 'object' && 'message' in err)
    return String((err as { message: unknown }).message);
  return String(err);
}
