import { useLayoutEffect, useMemo, useRef } from 'react';

/** What a click or key on the graph does. */
export interface GraphActions {
  open: (id: string) => void;
  focus?: (id: string) => void;
  expand?: (namespace: string) => void;
  collapse?: (namespace: string) => void;
}

/**
 * One actions object that calls the latest handlers, so that new handler
 * functions (a URL change rebuilds them) never re-render a node. It changes
 * only when an action appears or goes away.
 */
export function useGraphActions(handlers: GraphActions): GraphActions {
  const latest = useRef(handlers);
  useLayoutEffect(() => {
    latest.current = handlers;
  });
  const { focus, expand, collapse } = handlers;
  const has = { focus: !!focus, expand: !!expand, collapse: !!collapse };
  return useMemo(
    () => ({
      open: (id: string) => latest.current.open(id),
      ...(has.focus ? { focus: (id: string) => latest.current.focus?.(id) } : {}),
      ...(has.expand ? { expand: (ns: string) => latest.current.expand?.(ns) } : {}),
      ...(has.collapse ? { collapse: (ns: string) => latest.current.collapse?.(ns) } : {}),
    }),
    [has.focus, has.expand, has.collapse],
  );
}
