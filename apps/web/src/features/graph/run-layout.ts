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
