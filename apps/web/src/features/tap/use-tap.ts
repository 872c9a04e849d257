import type { TapCall, TapStats } from '@meshviz/shared';
import { useEffect, useRef, useState } from 'react';
import { streamTap, type TapFilter, type TapProblem } from '../../api/tap';
import { addToTop, type TopRow } from './top';

export type TapState = 'idle' | 'connecting' | 'live' | 'paused' | 'ended';

/** Calls kept at most, whatever the row limit shown (a larger limit shows more of them). */
export const MAX_KEPT = 5000;

export interface TapView {
  state: TapState;
  /** Captured calls, newest first, at most the row limit. */
  calls: TapCall[];
  /** Top's rows over every call received since the tap started: the busiest, at most the row limit. */
  top: TopRow[];
  stats: TapStats | undefined;
  problem: TapProblem | undefined;
  clear(): void;
}

/**
 * A live tap while `running`: the stream closes on pause (and the API closes
 * the tap upstream), and opens again on resume, keeping what was captured.
 * Another filter starts afresh.
 */
export function useTap(filter: TapFilter | undefined, running: boolean, limit: number): TapView {
  const key = filter ? JSON.stringify(filter) : '';
  const [calls, setCalls] = useState<TapCall[]>([]);
  const [top, setTop] = useState<TopRow[]>([]);
  const [stats, setStats] = useState<TapStats>();
  const [opened, setOpened] = useState('');
  const [ended, setEnded] = useState<{ stamp: string; problem: TapProblem | undefined }>();
  // Each start (a new filter, or a resume) is a generation of its own.
  const [seen, setSeen] = useState({ key, running });
  const [generation, setGeneration] = useState(0);
  if (seen.key !== key || seen.running !== running) {
    setSeen({ key, running });
    if (running) setGeneration((g) => g + 1);
    if (seen.key !== key) {
      setCalls([]);
      setTop([]);
      setStats(undefined);
    }
  }
  const stamp = `${generation}|${key}`;
  const rows = useRef({ key, map: new Map<string, TopRow>() });

  useEffect(() => {
    if (!key || !running) return;
    if (rows.current.key !== key) rows.current = { key, map: new Map() };
    const abort = new AbortController();
    void streamTap(JSON.parse(key) as TapFilter, abort.signal, {
      onOpen: () => setOpened(stamp),
      onCalls: (batch) => {
        if (abort.signal.aborted) return;
        addToTop(rows.current.map, batch);
        setTop([...rows.current.map.values()]);
        setCalls((prev) => [...batch.reverse(), ...prev].slice(0, MAX_KEPT));
      },
      onStats: setStats,
      onEnd: (problem) => setEnded({ stamp, problem }),
    });
    return () => abort.abort();
  }, [key, running, stamp]);

  const state: TapState = !key
    ? 'idle'
    : !running
      ? 'paused'
      : ended?.stamp === stamp
        ? 'ended'
        : opened === stamp
          ? 'live'
          : 'connecting';
  return {
    state,
    calls: calls.length > limit ? calls.slice(0, limit) : calls,
    top: top.length > limit ? [...top].sort((a, b) => b.count - a.count).slice(0, limit) : top,
    stats,
    problem: ended?.stamp === stamp ? ended.problem : undefined,
    clear: () => {
      setCalls([]);
      setTop([]);
      rows.current.map = new Map();
    },
  };
}
