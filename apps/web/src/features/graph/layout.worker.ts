/// <reference lib="webworker" />
import ELK from 'elkjs/lib/elk.bundled.js';
import { layOut, type LayoutInput } from '@meshviz/shared/graph-layout';

/** Lays out graphs off the main thread: one request in, one `LayoutResult` (or error) out. */
const elk = new ELK();

self.onmessage = async (event: MessageEvent<{ id: number; input: LayoutInput }>) => {
  const { id, input } = event.data;
  try {
    self.postMessage({ id, boxes: await layOut(elk, input) });
  } catch (err) {
    self.postMessage({ id, error: err instanceof Error ? err.message : String(err) });
  }
};
