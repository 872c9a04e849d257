import { tapCallSchema, tapStatsSchema, type TapCall, type TapStats } from '@meshviz/shared';
import { apiUrl } from './base-path';
import { query } from './fetch-json';

/** What to tap, as the Tap and Top pages' filters and the URL name it. */
export interface TapFilter {
  namespace: string;
  resource: string;
  name: string;
  toNamespace?: string;
  toResource?: string;
  toName?: string;
  method?: string;
  path?: string;
  authority?: string;
  maxRps?: string;
}

/** Why a tap did not start or stopped, with the API's code (`tap_not_installed`, ...). */
export interface TapProblem {
  code: string;
  message: string;
}

export interface TapHandlers {
  onCalls(calls: TapCall[]): void;
  onStats(stats: TapStats): void;
  /** The stream is open: the tap started. */
  onOpen(): void;
  /** The stream ended (upstream, or it never started); not called after an abort. */
  onEnd(problem: TapProblem | undefined): void;
}

/** One Server-Sent Event block (`event:` and `data:` lines). */
function parseBlock(block: string): { event: string; data: string } | undefined {
  let event = 'message';
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith('event:')) event = line.slice(6).trim();
    else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
  }
  return data.length ? { event, data: data.join('\n') } : undefined;
}

/**
 * Opens a tap through the API (`GET /api/v1/tap`, Server-Sent Events read
 * with fetch, so a refusal's status and reason are readable too). Calls are
 * handed over in batches, at most every `flushMs`, so a busy stream does not
 * re-render the page per call. Aborting `signal` closes the stream, and the
 * API closes the tap upstream.
 */
export async function streamTap(
  filter: TapFilter,
  signal: AbortSignal,
  handlers: TapHandlers,
  flushMs = 250,
): Promise<void> {
  let res: Response;
  try {
    res = await fetch(apiUrl(`/api/v1/tap${query({ ...filter })}`), {
      signal,
      headers: { accept: 'text/event-stream' },
    });
  } catch {
    if (!signal.aborted)
      handlers.onEnd({ code: 'unreachable', message: 'the meshviz API is unreachable' });
    return;
  }
  if (!res.ok || !res.body) {
    const body = (await res.json().catch(() => undefined)) as
      { error?: { code?: string; message?: string } } | undefined;
    handlers.onEnd({
      code: body?.error?.code ?? 'failed',
      message: body?.error?.message ?? `the API answered ${res.status}`,
    });
    return;
  }
  handlers.onOpen();
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let batch: TapCall[] = [];
  let flushedAt = 0;
  const flush = () => {
    if (batch.length) handlers.onCalls(batch);
    batch = [];
    flushedAt = Date.now();
  };
  const timer = setInterval(flush, flushMs);
  let problem: TapProblem | undefined;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let cut = buffer.indexOf('\n\n');
      while (cut >= 0) {
        const msg = parseBlock(buffer.slice(0, cut));
        buffer = buffer.slice(cut + 2);
        cut = buffer.indexOf('\n\n');
        if (!msg) continue;
        const data: unknown = JSON.parse(msg.data);
        if (msg.event === 'call') batch.push(tapCallSchema.parse(data));
        else if (msg.event === 'stats') handlers.onStats(tapStatsSchema.parse(data));
        else if (msg.event === 'problem') problem = data as TapProblem;
        else if (msg.event === 'end')
          problem = { code: 'ended', message: (data as { reason: string }).reason };
      }
      if (Date.now() - flushedAt >= flushMs) flush();
    }
  } catch (err) {
    if (signal.aborted) return;
    problem = { code: 'failed', message: err instanceof Error ? err.message : String(err) };
  } finally {
    clearInterval(timer);
  }
  if (signal.aborted) return;
  flush();
  handlers.onEnd(problem ?? { code: 'ended', message: 'the tap stream ended' });
}
