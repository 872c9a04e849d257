/**
 * Renders of graph nodes and edges since the page loaded. A refresh whose
 * numbers did not change should add nothing; the web benchmark reads these
 * through `window.meshvizGraphRenders`.
 */
export const graphRenders = { nodes: 0, edges: 0 };
(globalThis as { meshvizGraphRenders?: typeof graphRenders }).meshvizGraphRenders = graphRenders;
