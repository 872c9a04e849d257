import {
  NODE_HEIGHT,
  NODE_WIDTH,
  type LayoutInput,
  type LayoutResult,
} from '@meshviz/shared/graph-layout';

/** The box around nodes that arrived after their graph was laid out. */
export const ARRIVALS = 'arrivals';
const ARRIVAL_COLUMNS = 8;
const GAP_X = 40;
const GAP_Y = 30;
/** Beyond this many arrivals (or a quarter of the drawing) a fresh layout reads better. */
const MAX_ARRIVALS = 40;

export interface Viewport {
  x: number;
  y: number;
  zoom: number;
}

/** A laid-out graph as shown: the layout's boxes plus the places given to later arrivals. */
interface Drawing {
  /** Changes only when the graph is laid out afresh. */
  id: number;
  boxes: LayoutResult;
  /** Nodes the layout placed; arrivals come on top. */
  laid: number;
  arrivals: number;
  /** Top-left of the arrivals' strip, below everything laid out. */
  strip: { x: number; y: number };
  viewport?: Viewport;
}

export interface Placed {
  boxes: LayoutResult;
  /** The drawing's id: a new one means a fresh layout, to be fitted to the screen. */
  drawing: number;
  viewport?: Viewport;
}

/**
 * Layouts kept per graph scope for the browser session, so that a graph
 * keeps its drawing across refreshes, filter changes and visits. Nodes new
 * to a drawing are placed in a strip below it, so nobody else moves; a node
 * that leaves keeps its place for when it comes back. Only a change of scope
 * (grouping, collapsed namespaces), many arrivals at once, or the user's
 * "Lay out again" start a fresh layout.
 */
export class LayoutMemory {
  private readonly drawings = new Map<string, Drawing>();
  private nextId = 1;

  constructor(private readonly storage?: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>) {}

  /** Boxes for every node of `input`, or undefined when it needs a fresh layout. */
  place(scope: string, input: LayoutInput): Placed | undefined {
    const d = this.drawing(scope);
    if (!d) return undefined;
    const fresh = input.nodes.filter((n) => !d.boxes[n.id]);
    if (fresh.length > Math.max(MAX_ARRIVALS, d.laid / 4)) return undefined;
    if (fresh.length) {
      const boxes = { ...d.boxes };
      for (const n of fresh) {
        const k = d.arrivals++;
        boxes[n.id] = {
          x: d.strip.x + (k % ARRIVAL_COLUMNS) * (NODE_WIDTH + GAP_X),
          y: d.strip.y + Math.floor(k / ARRIVAL_COLUMNS) * (NODE_HEIGHT + GAP_Y),
          width: NODE_WIDTH,
          height: NODE_HEIGHT,
        };
      }
      const rows = Math.ceil(d.arrivals / ARRIVAL_COLUMNS);
      boxes[ARRIVALS] = {
        x: d.strip.x - 20,
        y: d.strip.y - 40,
        width: Math.min(d.arrivals, ARRIVAL_COLUMNS) * (NODE_WIDTH + GAP_X),
        height: rows * (NODE_HEIGHT + GAP_Y) + 40,
      };
      d.boxes = boxes;
      this.save(scope, d);
    }
    return { boxes: d.boxes, drawing: d.id, viewport: d.viewport };
  }

  /** Keeps a fresh layout of `laid` nodes as the scope's drawing. */
  keep(scope: string, boxes: LayoutResult, laid: number): Placed {
    let bottom = 0;
    let left = Infinity;
    for (const b of Object.values(boxes)) {
      if (b.parent !== undefined) continue;
      bottom = Math.max(bottom, b.y + b.height);
      left = Math.min(left, b.x);
    }
    const d: Drawing = {
      id: this.nextId++,
      boxes,
      laid,
      arrivals: 0,
      strip: { x: Number.isFinite(left) ? left + 20 : 0, y: bottom + 80 },
    };
    this.drawings.set(scope, d);
    this.save(scope, d);
    return { boxes, drawing: d.id };
  }

  /** The user's pan and zoom over the scope's drawing. */
  keepViewport(scope: string, viewport: Viewport): void {
    const d = this.drawing(scope);
    if (!d) return;
    d.viewport = viewport;
    this.save(scope, d);
  }

  forget(scope: string): void {
    this.drawings.delete(scope);
    this.storage?.removeItem(storageKey(scope));
  }

  private drawing(scope: string): Drawing | undefined {
    const known = this.drawings.get(scope);
    if (known) return known;
    const text = this.storage?.getItem(storageKey(scope));
    if (!text) return undefined;
    try {
      const d = JSON.parse(text) as Drawing;
      d.id = this.nextId++;
      this.drawings.set(scope, d);
      return d;
    } catch {
      return undefined;
    }
  }

  private save(scope: string, d: Drawing): void {
    try {
      this.storage?.setItem(storageKey(scope), JSON.stringify(d));
    } catch {
      // Storage full or refused: the drawing is still kept for this page's life.
    }
  }
}

const storageKey = (scope: string) => `meshviz.graph-layout:${scope}`;

const sessionStore = (): Storage | undefined => {
  try {
    return globalThis.sessionStorage;
  } catch {
    return undefined;
  }
};

/** The page's layouts, kept for the browser tab's session. */
export const graphLayouts = new LayoutMemory(sessionStore());
