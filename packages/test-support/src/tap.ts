/** A tap stream as the API relays it (Server-Sent Events), read from a test. */
export interface TapRead {
  status: number;
  /** Why there is no tap: the JSON error of a refused request, or the stream's `problem` event. */
  error?: { code: string; message: string; status?: number };
  /** The `data` of each `call` event, in order. */
  calls: Record<string, unknown>[];
  /** Event names in order (`stats`, `call`, `end`). */
  events: string[];
}

/**
 * Opens `url` and reads its event stream until `enough` says so or `timeoutMs`
 * passes, then closes it (as a browser leaving the page does).
 */
export async function readTap(
  url: string,
  enough: (calls: Record<string, unknown>[]) => boolean,
  timeoutMs = 15_000,
): Promise<TapRead> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  const out: TapRead = { status: 0, calls: [], events: [] };
  try {
    const res = await fetch(url, { signal: abort.signal });
    out.status = res.status;
    if (!res.ok || !res.body) {
      out.error = ((await res.json()) as { error: TapRead['error'] }).error;
      return out;
    }
    const decoder = new TextDecoder();
    let buffer = '';
    const reader = res.body.getReader();
    while (!enough(out.calls)) {
      const { done, value } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let cut = buffer.indexOf('\n\n');
      while (cut >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        cut = buffer.indexOf('\n\n');
        const event = /^event: (.+)$/m.exec(block)?.[1];
        const data = /^data: (.+)$/m.exec(block)?.[1];
        if (!event || data === undefined) continue;
        out.events.push(event);
        if (event === 'call') out.calls.push(JSON.parse(data) as Record<string, unknown>);
        if (event === 'problem') out.error = JSON.parse(data) as TapRead['error'];
      }
    }
  } catch (err) {
    if (!abort.signal.aborted) throw err;
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
  return out;
}
