import type { z } from 'zod';
import type { errorsSchema } from '@meshviz/shared';

type ErrorItem = z.infer<typeof errorsSchema>[number];

/**
 * Collects what failed while building one answer. A failed metrics query
 * yields no rows and an error entry; the rest of the answer still stands.
 */
export class Answer {
  readonly errors: ErrorItem[] = [];

  constructor(topologyErrors: string[], proxyErrors: string[] = []) {
    for (const m of topologyErrors) this.errors.push({ source: 'kubernetes', message: m });
    // Many proxies failing at once would drown the answer; report a few and a count.
    for (const m of proxyErrors.slice(0, 5)) this.errors.push({ source: 'proxy', message: m });
    if (proxyErrors.length > 5)
      this.errors.push({
        source: 'proxy',
        message: `${proxyErrors.length - 5} more proxies could not be scraped`,
      });
  }

  /** Takes on errors met elsewhere for this answer (a part computed apart), once each. */
  adopt(errors: readonly ErrorItem[]): void {
    for (const e of errors)
      if (!this.errors.some((x) => x.message === e.message)) this.errors.push(e);
  }

  async metrics<T>(query: Promise<T[]>): Promise<T[]> {
    try {
      return await query;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.adopt([{ source: 'metrics', message }]);
      return [];
    }
  }
}
