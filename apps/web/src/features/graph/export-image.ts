import { formatPercent, formatRps, HEALTH_COLOUR, healthOf } from '../../format/format';
import { edgeText, nodeKindText } from './labels';
import { NODE_HEIGHT, NODE_WIDTH, type Box, type LayoutResult } from '@meshviz/shared/graph-layout';
import { ARRIVALS } from './layout-memory';
import { MTLS_DASH, type EdgeLabelChoice } from './MetricEdge';
import { groupId, type GraphView, type ViewNode } from './model';

const PAD = 40;

const xml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A box in drawing coordinates: children are laid out relative to their group box. */
function absolute(boxes: LayoutResult, id: string): Box | undefined {
  const b = boxes[id];
  if (!b) return undefined;
  const parent = b.parent === undefined ? undefined : boxes[b.parent];
  return parent ? { ...b, x: b.x + parent.x, y: b.y + parent.y, parent: undefined } : b;
}

function nodeSvg(n: ViewNode, b: Box): string {
  const colour = HEALTH_COLOUR[healthOf(n.successRate)];
  const kind = nodeKindText(n);
  return [
    `<g class="node" data-id="${xml(n.id)}" transform="translate(${b.x},${b.y})">`,
    `<title>${xml(`${n.namespace}/${n.name}`)}</title>`,
    `<rect width="${NODE_WIDTH}" height="${NODE_HEIGHT}" rx="6" fill="#fff" stroke="${colour}" stroke-width="2"${n.meshed ? '' : ' stroke-dasharray="6 4"'}/>`,
    `<text x="8" y="20" font-weight="600">${xml(n.name)}</text>`,
    `<text x="8" y="38" fill="#52606d">${xml(kind)}</text>`,
    `<text x="8" y="58" fill="${colour}">${xml(`${formatPercent(n.successRate)} · ${formatRps(n.rps)}`)}</text>`,
    `</g>`,
  ].join('');
}

/**
 * The graph as drawn, as a standalone SVG document: the same boxes, edges,
 * colours, dashes and labels as on screen, whatever part of it is scrolled
 * into view. Pure, so it is tested without a browser.
 */
export function graphSvg(
  view: GraphView,
  boxes: LayoutResult,
  label: EdgeLabelChoice,
  title: string,
): { svg: string; width: number; height: number } {
  const shown: { id: string; box: Box }[] = [];
  const frames: string[] = [];
  const frame = (id: string, text: string) => {
    const b = absolute(boxes, id);
    if (!b) return;
    shown.push({ id, box: b });
    frames.push(
      `<g class="group"><rect x="${b.x}" y="${b.y}" width="${b.width}" height="${b.height}" rx="8" fill="#f4f7fa" stroke="#9fb3c8" stroke-dasharray="4 3"/><text x="${b.x + 12}" y="${b.y + 22}" font-weight="600" fill="#334e68">${xml(text)}</text></g>`,
    );
  };
  for (const ns of view.groups) frame(groupId(ns), ns);
  if (boxes[ARRIVALS]) frame(ARRIVALS, 'New since the layout');

  const at = new Map<string, Box>();
  const nodes: string[] = [];
  for (const n of view.nodes) {
    const b = absolute(boxes, n.id);
    if (!b) continue;
    at.set(n.id, b);
    shown.push({ id: n.id, box: b });
    nodes.push(nodeSvg(n, b));
  }
  const edges: string[] = [];
  for (const e of view.edges) {
    const s = at.get(e.source);
    const t = at.get(e.target);
    if (!s || !t) continue;
    const x1 = s.x + NODE_WIDTH;
    const y1 = s.y + NODE_HEIGHT / 2;
    const x2 = t.x;
    const y2 = t.y + NODE_HEIGHT / 2;
    const bend = Math.max(40, Math.abs(x2 - x1) / 2);
    const colour = HEALTH_COLOUR[healthOf(e.successRate)];
    const dash = MTLS_DASH[e.mtls.state ?? 'idle'];
    const text = edgeText(e, label);
    edges.push(
      [
        `<g class="edge" data-id="${xml(e.id)}">`,
        `<title>${xml(`${e.source} → ${e.target}`)}</title>`,
        `<path d="M${x1},${y1} C${x1 + bend},${y1} ${x2 - bend},${y2} ${x2},${y2}" fill="none" stroke="${colour}" stroke-width="1.6"${dash ? ` stroke-dasharray="${dash}"` : ''} marker-end="url(#arrow)"/>`,
        `<text x="${(x1 + x2) / 2}" y="${(y1 + y2) / 2 - 4}" text-anchor="middle" fill="#1f2933" paint-order="stroke" stroke="#fff" stroke-width="3">${xml(text)}</text>`,
        `</g>`,
      ].join(''),
    );
  }

  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const { box } of shown) {
    minX = Math.min(minX, box.x);
    minY = Math.min(minY, box.y);
    maxX = Math.max(maxX, box.x + box.width);
    maxY = Math.max(maxY, box.y + box.height);
  }
  if (!Number.isFinite(minX)) [minX, minY, maxX, maxY] = [0, 0, 0, 0];
  const width = Math.ceil(maxX - minX + 2 * PAD);
  const height = Math.ceil(maxY - minY + 2 * PAD + 30);
  const svg = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="${minX - PAD} ${minY - PAD - 30} ${width} ${height}" font-family="system-ui, sans-serif" font-size="12">`,
    `<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#52606d"/></marker></defs>`,
    `<rect x="${minX - PAD}" y="${minY - PAD - 30}" width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="${minX - PAD + 12}" y="${minY - PAD - 8}" font-size="14" font-weight="600">${xml(title)}</text>`,
    ...frames,
    ...edges,
    ...nodes,
    `</svg>`,
  ].join('\n');
  return { svg, width, height };
}

/** Browsers refuse canvases much beyond this many pixels; large graphs are scaled down to fit. */
const MAX_PIXELS = 16_000_000;
const MAX_SIDE = 16_000;

/** The SVG drawn onto a canvas at up to twice its size, as a PNG. */
export async function svgToPng(svg: string, width: number, height: number): Promise<Blob> {
  const scale = Math.min(
    2,
    Math.sqrt(MAX_PIXELS / Math.max(1, width * height)),
    MAX_SIDE / Math.max(width, height),
  );
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    img.width = width;
    img.height = height;
    await new Promise<void>((resolve, reject) => {
      img.onload = () => resolve();
      img.onerror = () => reject(new Error('the graph image could not be drawn'));
      img.src = url;
    });
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(width * scale));
    canvas.height = Math.max(1, Math.round(height * scale));
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('no 2D canvas in this browser');
    ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
    return await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob(
        (b) => (b ? resolve(b) : reject(new Error('the PNG could not be encoded'))),
        'image/png',
      ),
    );
  } finally {
    URL.revokeObjectURL(url);
  }
}
