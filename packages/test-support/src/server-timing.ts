/** A `Server-Timing` entry: its duration (ms) and description. */
export interface ServerTimingEntry {
  dur: number;
  desc?: string;
}

/** The `name;dur=x;desc="..."` entries of a `Server-Timing` header, by name. */
export function serverTimingEntries(
  header: string | null | undefined,
): Map<string, ServerTimingEntry> {
  const out = new Map<string, ServerTimingEntry>();
  for (const part of (header ?? '').split(/,\s*/)) {
    const [name, ...params] = part.split(';');
    const dur = Number(/^dur=(.*)$/.exec(params.find((p) => p.startsWith('dur=')) ?? '')?.[1]);
    const desc = /^desc="(.*)"$/.exec(params.find((p) => p.startsWith('desc=')) ?? '')?.[1];
    if (name) out.set(name, { dur, ...(desc ? { desc } : {}) });
  }
  return out;
}
