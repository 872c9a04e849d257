import type { LayoutInput, LayoutResult } from './layout';

let worker: Worker | undefined;
let nextId = 0;
const pending = new Map<
  number,
  { resolve: (r: LayoutResult) => void; reject: (e: Error) => void }
>();

function layoutWorker(): Worker {
  if (!worker) {
    worker = new Worker(new URL('./layout.worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (
      event: MessageEvent<{ id: number; boxes?: LayoutResult; error?: string; ms?: number }>,
    ) => {
      // The engine's own time, apart from queueing and transfer (read by the web benchmark).
      if (event.data.ms !== undefined)
        performance.measure('meshviz:layout-engine', {
          start: performance.now() - event.data.ms,
          duration: event.data.ms,
        });
      const p = pending.get(event.data.id);
      pending.delete(event.data.id);
      if (!p) return;
      if (event.data.boxes) p.resolve(event.data.boxes);
      else p.reject(new Error(`layout failed: ${event.data.error ?? 'unknown error'}`));
    };
    worker.onerror = (event) => {
      for (const p of pending.values())
        p.reject(new Error(`layout worker failed: ${event.message}`));
      pending.clear();
      worker = undefined;
    };
  }
  return worker;
}

/** Lays a graph out in the shared Web Worker, so large graphs never block the page. */
export function runLayout(input: LayoutInput): Promise<LayoutResult> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    layoutWorker().postMessage({ id, input });
  });
}

/**
 * Starts the layout worker ahead of need (it loads the layout engine, the
 * largest script of the app), so that the first layout starts as soon as
 * the graph answer arrives. A page showing a graph calls it on
 * mount, while its data is still on the way.
 */
export function warmLayout(): void {
  if (warmed) return;
  warmed = true;
  // One node: loads the engine without keeping the worker busy when the real graph arrives.
  runLayout({ nodes: [{ id: 'warm-up' }], edges: [], groups: [] }).catch(() => undefined);
}
let warmed = false;
