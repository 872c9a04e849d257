import { createHash } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import type { LayoutInput, LayoutResult } from '@meshviz/shared/graph-layout';
import { BusyError, UpstreamError } from '../model/errors';

export interface LayoutsOptions {
  /** Layouts waiting or running at once; more are refused (503) rather than queued without end. */
  maxQueued: number;
  /** A layout taking longer stops the engine's thread, which starts afresh for the next one. */
  timeoutMs: number;
  /** Distinct graphs whose layout is kept. */
  cacheEntries: number;
  /**
   * Without a layout for this long, the engine's thread stops and gives back its memory
   * (about 110 MiB of RSS on the demo mesh, measured); kept layouts still serve, and the next graph warms it again.
   */
  idleMs: number;
}

export const DEFAULT_LAYOUTS: LayoutsOptions = {
  maxQueued: 8,
  timeoutMs: 60_000,
  cacheEntries: 32,
  idleMs: 10 * 60_000,
};

/**
 * A graph of `n` workloads in `groups` namespaces with about 1.8 calls each,
 * across namespaces as often as within, drawn from a fixed sequence.
 */
function practiceGraph(n: number, groups: number): LayoutInput {
  let seed = n;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const nodes = Array.from({ length: n }, (_, i) => ({ id: `w${i}`, group: `g${i % groups}` }));
  const edges: LayoutInput['edges'] = [];
  for (let i = 0; i < n * 1.8; i++) {
    const a = Math.floor(next() * n);
    const b = Math.floor(next() * n);
    if (a !== b) edges.push({ id: `e${i}`, source: `w${a}`, target: `w${b}` });
  }
  return { nodes, edges, groups: Array.from({ length: groups }, (_, g) => `g${g}`) };
}

/** The engine's thread: `layout-worker.js` beside the bundle, or the TypeScript source under tsx. */
function workerUrl(): URL {
  const self = import.meta.url;
  return new URL(self.endsWith('.ts') ? './layout-worker.ts' : './layout-worker.js', self);
}

/**
 * Graph layouts for every viewer, from one warm layout engine in a worker
 * thread. The same graph (the same layout input) is laid out once: its
 * result is kept, and viewers asking while it runs share the run. A browser
 * tab's own engine would start cold for each viewer and each visit, which
 * is most of the wait before a graph shows.
 */
export class Layouts {
  private worker: Worker | undefined;
  private nextId = 0;
  private readonly pending = new Map<
    number,
    { resolve: (r: LayoutResult) => void; reject: (e: Error) => void }
  >();
  private readonly kept = new Map<string, LayoutResult>();
  private readonly running = new Map<string, Promise<LayoutResult>>();
  private warmed = false;
  private idle: NodeJS.Timeout | undefined;
  /** Layouts computed, and answers served from kept or shared ones (the self metrics are told through `observe`). */
  computed = 0;
  reused = 0;

  constructor(
    private readonly options: LayoutsOptions = DEFAULT_LAYOUTS,
    /**
     * Told of each answer (kept or laid out), of the engine's thread starting and stopping,
     * and of how many layouts (practice included) its thread has to do.
     */
    private readonly observe: {
      answered?: (reused: boolean) => void;
      engine?: (running: boolean) => void;
      inProgress?: (layouts: number) => void;
    } = {},
  ) {}

  /** The layout of a graph, and whether it was kept from before (or shared with a run in progress). */
  async layout(input: LayoutInput): Promise<{ boxes: LayoutResult; reused: boolean }> {
    const key = createHash('sha256').update(JSON.stringify(input)).digest('base64url');
    const kept = this.kept.get(key);
    if (kept) {
      // Most recently used last: the first key is the one to drop.
      this.kept.delete(key);
      this.kept.set(key, kept);
      this.reused++;
      this.observe.answered?.(true);
      return { boxes: kept, reused: true };
    }
    const run = this.running.get(key);
    if (run) {
      this.reused++;
      this.observe.answered?.(true);
      return { boxes: await run, reused: true };
    }
    if (this.pending.size >= this.options.maxQueued)
      throw new BusyError(
        `${this.pending.size} graph layouts are already waiting; try again in a moment`,
      );
    const started = this.send(input).finally(() => this.running.delete(key));
    this.running.set(key, started);
    const boxes = await started;
    this.computed++;
    this.observe.answered?.(false);
    this.kept.set(key, boxes);
    if (this.kept.size > this.options.cacheEntries) {
      const oldest = this.kept.keys().next().value;
      if (oldest !== undefined) this.kept.delete(oldest);
    }
    return { boxes, reused: false };
  }

  /**
   * Lays a graph out ahead of its viewers, once per distinct graph: a viewer
   * who then asks for it finds it kept, or shares its run. It goes before the
   * rest of the practice (which stops once real work waits), and is skipped
   * when it would take the last place a viewer's request could have.
   */
  prepare(input: LayoutInput): void {
    if (this.pending.size >= this.options.maxQueued - 1) return;
    this.layout(input).catch(() => undefined);
  }

  /**
   * Loads the engine and runs it on practice graphs of growing size, so that
   * the first viewer's layout finds its code compiled: in Node on two cores
   * about 1 s of practice takes a 100-node layout from 0.3 s to 0.1 s, and a
   * 1,000-node one from 0.8 s to 0.6 s. Called when a graph is first asked for:
   * the engine costs nothing until then. A step is sent only when the one
   * before is done and no real layout waits, so a real layout waits for one
   * step at most.
   */
  warm(): void {
    if (this.warmed) return;
    this.warmed = true;
    const steps = [
      practiceGraph(40, 2),
      practiceGraph(200, 4),
      practiceGraph(120, 3),
      practiceGraph(200, 4),
      practiceGraph(600, 12),
    ];
    const next = (): void => {
      const step = steps.shift();
      if (!step || this.pending.size > 0) return;
      this.send(step).then(next, () => undefined);
    };
    next();
  }

  async close(): Promise<void> {
    clearTimeout(this.idle);
    const w = this.worker;
    this.setWorker(undefined);
    await w?.terminate();
  }

  /** Whether the engine's thread is running. */
  get engineRunning(): boolean {
    return this.worker !== undefined;
  }

  /** After the last layout, waits `idleMs` and stops the thread unless another came. */
  private armIdle(): void {
    clearTimeout(this.idle);
    if (this.pending.size > 0) return;
    this.idle = setTimeout(() => {
      if (this.pending.size > 0) return;
      const w = this.worker;
      this.setWorker(undefined);
      this.warmed = false;
      void w?.terminate();
    }, this.options.idleMs);
    this.idle.unref();
  }

  private send(input: LayoutInput): Promise<LayoutResult> {
    const worker = this.thread();
    const id = this.nextId++;
    return new Promise<LayoutResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.fail(
          new UpstreamError(
            `the graph layout took over ${this.options.timeoutMs / 1000} s and was stopped`,
          ),
        );
      }, this.options.timeoutMs);
      this.pending.set(id, {
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.observe.inProgress?.(this.pending.size);
      worker.postMessage({ id, input });
    });
  }

  private thread(): Worker {
    if (this.worker) return this.worker;
    const url = workerUrl();
    // From the TypeScript sources (tests, `npm start`) the thread registers tsx first, as the
    // API itself runs under it; the built bundle starts `layout-worker.js` directly.
    const worker = url.pathname.endsWith('.ts')
      ? new Worker(
          `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}); });`,
          { eval: true },
        )
      : new Worker(url);
    worker.unref();
    worker.on('message', (m: { id: number; boxes?: LayoutResult; error?: string }) => {
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      this.observe.inProgress?.(this.pending.size);
      this.armIdle();
      if (!p) return;
      if (m.boxes) p.resolve(m.boxes);
      else p.reject(new UpstreamError(`the graph layout failed: ${m.error ?? 'unknown error'}`));
    });
    worker.on('error', (err) =>
      this.fail(new UpstreamError(`the layout engine failed: ${err.message}`)),
    );
    this.setWorker(worker);
    return worker;
  }

  private setWorker(worker: Worker | undefined): void {
    if ((worker === undefined) !== (this.worker === undefined))
      this.observe.engine?.(worker !== undefined);
    this.worker = worker;
  }

  /** Every waiting layout fails; the thread is stopped and the next layout starts a new one. */
  private fail(err: Error): void {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
    this.observe.inProgress?.(0);
    const w = this.worker;
    this.setWorker(undefined);
    void w?.terminate();
  }
}
