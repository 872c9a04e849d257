import { useRefresh } from './url-state';

/** `refetchInterval` for queries that follow the mesh live (off while paused). */
export function useLiveInterval(): number | false {
  return useRefresh().interval;
}
