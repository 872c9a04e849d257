import { EventEmitter } from 'node:events';
import { RESOURCES, resourceForKind, resourceKey, type ResourceType } from './resources';
import type { KubeObject, WatchEventType } from './types';

export interface StoredEvent {
  rv: number;
  type: WatchEventType;
  object: KubeObject;
}

/** How long watch history is kept; a watch from an older resourceVersion gets 410 Gone, as after etcd compaction. */
const HISTORY_MS = 5 * 60_000;
const HISTORY_MAX_EVENTS = 5_000;

class Bucket {
  readonly objects = new Map<string, KubeObject>();
  readonly history: StoredEvent[] = [];
  /** Events at or below this resourceVersion have been compacted away. */
  compactedRv = 0;
  readonly times: number[] = [];
}

/**
 * The cluster state: every object by resource type, one global resourceVersion
 * counter, and a bounded history of events per type for watches.
 */
export class ObjectStore {
  private rv = 1;
  private readonly buckets = new Map<string, Bucket>();
  readonly events = new EventEmitter();

  constructor(private readonly now: () => number = Date.now) {
    this.events.setMaxListeners(0);
    for (const r of RESOURCES) this.buckets.set(resourceKey(r), new Bucket());
  }

  get resourceVersion(): number {
    return this.rv;
  }

  private bucketOf(r: Pick<ResourceType, 'group' | 'plural'>): Bucket {
    const b = this.buckets.get(resourceKey(r));
    if (!b) throw new Error(`unknown resource ${resourceKey(r)}`);
    return b;
  }

  private typeOf(obj: KubeObject): ResourceType {
    const r = resourceForKind(obj.apiVersion, obj.kind);
    if (!r) throw new Error(`no resource serves ${obj.apiVersion} ${obj.kind}`);
    return r;
  }

  private static keyOf(obj: KubeObject): string {
    return `${obj.metadata.namespace ?? ''}/${obj.metadata.name}`;
  }

  list(r: ResourceType, namespace?: string): KubeObject[] {
    const all = [...this.bucketOf(r).objects.values()];
    return namespace === undefined ? all : all.filter((o) => o.metadata.namespace === namespace);
  }

  get(r: ResourceType, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.bucketOf(r).objects.get(`${r.namespaced ? (namespace ?? '') : ''}/${name}`);
  }

  /** Creates or replaces an object; bumps its resourceVersion and records the event. */
  put(obj: KubeObject): KubeObject {
    const r = this.typeOf(obj);
    const bucket = this.bucketOf(r);
    const key = ObjectStore.keyOf(obj);
    const existing = bucket.objects.get(key);
    const rv = ++this.rv;
    const stored: KubeObject = {
      ...obj,
      metadata: {
        ...obj.metadata,
        resourceVersion: String(rv),
        generation: existing
          ? (existing.metadata.generation ?? 1) + (sameSpec(existing, obj) ? 0 : 1)
          : 1,
      },
    };
    bucket.objects.set(key, stored);
    this.record(r, bucket, { rv, type: existing ? 'MODIFIED' : 'ADDED', object: stored });
    return stored;
  }

  delete(r: ResourceType, namespace: string | undefined, name: string): KubeObject | undefined {
    const bucket = this.bucketOf(r);
    const key = `${r.namespaced ? (namespace ?? '') : ''}/${name}`;
    const existing = bucket.objects.get(key);
    if (!existing) return undefined;
    bucket.objects.delete(key);
    const rv = ++this.rv;
    const gone = { ...existing, metadata: { ...existing.metadata, resourceVersion: String(rv) } };
    this.record(r, bucket, { rv, type: 'DELETED', object: gone });
    return gone;
  }

  /**
   * Events of a type after `sinceRv`, or `'gone'` when history no longer
   * reaches back that far (the client must re-list).
   */
  eventsSince(r: ResourceType, sinceRv: number): StoredEvent[] | 'gone' {
    const bucket = this.bucketOf(r);
    this.compact(bucket);
    if (sinceRv < bucket.compactedRv) return 'gone';
    return bucket.history.filter((e) => e.rv > sinceRv);
  }

  /** Drops all history, as etcd compaction does: older watches get 410 Gone. */
  compactAll(): void {
    for (const bucket of this.buckets.values()) {
      bucket.history.length = 0;
      bucket.times.length = 0;
      bucket.compactedRv = this.rv;
    }
  }

  private record(r: ResourceType, bucket: Bucket, event: StoredEvent): void {
    bucket.history.push(event);
    bucket.times.push(this.now());
    this.compact(bucket);
    this.events.emit(resourceKey(r), event);
  }

  private compact(bucket: Bucket): void {
    const cutoff = this.now() - HISTORY_MS;
    let drop = 0;
    while (
      drop < bucket.history.length &&
      ((bucket.times[drop] ?? 0) < cutoff || bucket.history.length - drop > HISTORY_MAX_EVENTS)
    ) {
      drop++;
    }
    if (drop > 0) {
      bucket.compactedRv = bucket.history[drop - 1]?.rv ?? bucket.compactedRv;
      bucket.history.splice(0, drop);
      bucket.times.splice(0, drop);
    }
  }
}

function sameSpec(a: KubeObject, b: KubeObject): boolean {
  return JSON.stringify(a.spec) === JSON.stringify(b.spec);
}
