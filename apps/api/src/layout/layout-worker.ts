/**
 * The layout engine's thread: ELK lays out one graph per message, off the
 * API's event loop, and stays loaded and compiled between requests.
 */
import { parentPort } from 'node:worker_threads';
import ELK from 'elkjs/lib/elk.bundled.js';
import { layOut, type LayoutInput } from '@meshviz/shared/graph-layout';

const elk = new ELK();

parentPort?.on('message', (message: { id: number; input: LayoutInput }) => {
  layOut(elk, message.input).then(
    (boxes) => parentPort?.postMessage({ id: message.id, boxes }),
    (err: unknown) =>
      parentPort?.postMessage({
        id: message.id,
        error: err instanceof Error ? err.message : String(err),
      }),
  );
});
