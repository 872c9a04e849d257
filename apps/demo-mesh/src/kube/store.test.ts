import { describe, expect, it } from 'vitest';
import { resourceForKind } from './resources';
import { ObjectStore } from './store';

const pods = resourceForKind('v1', 'Pod');
if (!pods) throw new Error('pods not served');
const pod = (name: string, spec: unknown = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'ns' },
  spec,
});

describe('object store', () => {
  it('gives every change a higher resourceVersion and records ADDED, MODIFIED and DELETED', () => {
    const store = new ObjectStore();
    const start = store.resourceVersion;
    const a = store.put(pod('a'));
    const a2 = store.put(pod('a', { x: 1 }));
    store.delete(pods, 'ns', 'a');
    expect(Number(a2.metadata.resourceVersion)).toBeGreaterThan(Number(a.metadata.resourceVersion));
    expect(a2.metadata.generation).toBe(2);
    const events = store.eventsSince(pods, start);
    expect(events === 'gone' ? events : events.map((e) => e.type)).toEqual([
      'ADDED',
      'MODIFIED',
      'DELETED',
    ]);
    expect(store.get(pods, 'ns', 'a')).toBeUndefined();
  });

  it('when history is compacted, a watch from before it is gone', () => {
    const store = new ObjectStore();
    const before = store.resourceVersion;
    store.put(pod('a'));
    store.compactAll();
    expect(store.eventsSince(pods, before)).toBe('gone');
    expect(store.eventsSince(pods, store.resourceVersion)).toEqual([]);
  });

  it('when events grow older than five minutes, drops them', () => {
    let now = 0;
    const store = new ObjectStore(() => now);
    store.put(pod('a'));
    now = 6 * 60_000;
    store.put(pod('b'));
    expect(store.eventsSince(pods, 0)).toBe('gone');
    const recent = store.eventsSince(pods, store.resourceVersion - 1);
    expect(recent === 'gone' ? recent : recent.map((e) => e.object.metadata.name)).toEqual(['b']);
  });
});
