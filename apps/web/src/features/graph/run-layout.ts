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
      event: MessageEvent<{ id: number; boxes?: LayoutResult; error?: string }>,
    ) => {
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
 * Starts the layout worker ahead of need: it loads the layout engine (the
 * largest script of the app) and runs it once, so that the first real
 * layout finds it loaded and compiled. A page showing a graph calls it on
 * mount, while its data is still on the way.
 */
export function warmLayout(): void {
  if (warmed) return;
  warmed = true;
  // A graph large enough to take the path real ones take (namespaces laid out one by one),
  // so that the engine's code is compiled before the answer arrives.
  const nodes = Array.from({ length: 80 }, (_, i) => ({ id: `w${i}`, group: `g${i % 4}` }));
  const edges = nodes.map((n, i) => ({
    id: `e${i}`,
    source: n.id,
    target: `w${(i * 7 + 1) % 80}`,
  }));
  runLayout({ nodes, edges, groups: ['g0', 'g1', 'g2', 'g3'] }).catch(() => undefined);
}
let warmed = false;
