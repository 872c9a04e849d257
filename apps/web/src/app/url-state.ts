import { useCallback, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { DEFAULT_WINDOW, parseDuration } from '@meshviz/shared';

/** Search parameters every page keeps when the user moves between views. */
export const SHARED_PARAMS = ['window', 'refresh'] as const;

/** Auto-refresh period; the API's metrics move once per scrape interval (10 s by default). */
export const REFRESH_MS = 10_000;

/**
 * One search parameter as state. Setting a value equal to `fallback`
 * removes it, so default views have clean URLs; every change is a history
 * entry, so back returns to the previous view.
 */
export function useParam(
  name: string,
  fallback = '',
): [string, (value: string, opts?: { replace?: boolean }) => void] {
  const [params, setParams] = useSearchParams();
  const value = params.get(name) ?? fallback;
  const set = useCallback(
    (next: string, opts?: { replace?: boolean }) =>
      setParams(
        (prev) => {
          const out = new URLSearchParams(prev);
          if (next === fallback || next === '') out.delete(name);
          else out.set(name, next);
          return out;
        },
        { replace: opts?.replace ?? false },
      ),
    [name, fallback, setParams],
  );
  return [value, set];
}

/** The time window (`1m`, `5m`, … or any duration), from `?window=`. */
export function useWindow(): [string, (w: string) => void] {
  const [raw, set] = useParam('window', DEFAULT_WINDOW);
  return [parseDuration(raw) === undefined ? DEFAULT_WINDOW : raw, set];
}

/** Auto-refresh, on unless `?refresh=off`: the `refetchInterval` for live queries. */
export function useRefresh(): { paused: boolean; interval: number | false; toggle: () => void } {
  const [raw, set] = useParam('refresh', 'on');
  const paused = raw === 'off';
  return {
    paused,
    interval: paused ? false : REFRESH_MS,
    toggle: () => set(paused ? 'on' : 'off'),
  };
}

/** A link target that keeps the shared parameters (window, refresh) of the current URL. */
export function useKeepParams(): (to: string) => string {
  const [params] = useSearchParams();
  return useCallback(
    (to: string) => {
      const [path = '', search = ''] = to.split('?');
      const out = new URLSearchParams(search);
      for (const p of SHARED_PARAMS) {
        const v = params.get(p);
        if (v !== null && !out.has(p)) out.set(p, v);
      }
      const text = out.toString();
      return text ? `${path}?${text}` : path;
    },
    [params],
  );
}

/**
 * A text box bound to a search parameter. The box keeps its own text, so
 * fast typing never waits for (or races) the URL update, which a router
 * applies asynchronously; the URL follows with each keystroke (replacing
 * the entry), and a URL change from elsewhere (back) resets the box.
 */
export function useUrlText(name: string): [string, (text: string) => void] {
  const [value, setValue] = useParam(name);
  const [draft, setDraft] = useState(value);
  const [seen, setSeen] = useState(value);
  // Texts this box wrote that the URL has not shown yet: their arrival is not a reset.
  const [pending, setPending] = useState<string[]>([]);
  if (value !== seen) {
    setSeen(value);
    const i = pending.indexOf(value);
    if (i >= 0) setPending(pending.slice(i + 1));
    else {
      setPending([]);
      setDraft(value);
    }
  }
  const set = useCallback(
    (text: string) => {
      setDraft(text);
      setPending((p) => [...p, text]);
      setValue(text, { replace: true });
    },
    [setValue],
  );
  return [draft, set];
}
