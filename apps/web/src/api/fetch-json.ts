import type { z } from 'zod';
import { apiUrl } from './base-path';

/** An API answer that is not 2xx, with the message the API gave. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** GETs an API path and checks the answer against its contract. */
export async function getJson<T extends z.ZodType>(
  path: string,
  schema: T,
  signal?: AbortSignal,
): Promise<z.infer<T>> {
  let res: Response;
  try {
    res = await fetch(apiUrl(path), { signal, headers: { accept: 'application/json' } });
  } catch (err) {
    if (signal?.aborted) throw err;
    throw new ApiError('the meshviz API is unreachable', 0);
  }
  const body: unknown = await res.json().catch(() => undefined);
  if (!res.ok) {
    const message = (body as { error?: { message?: unknown } } | undefined)?.error?.message;
    throw new ApiError(
      typeof message === 'string' ? message : `the API answered ${res.status}`,
      res.status,
    );
  }
  return schema.parse(body);
}

/** A query string from the defined values, in a stable order. */
export function query(params: Record<string, string | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) q.set(k, v);
  const text = q.toString();
  return text ? `?${text}` : '';
}
