/**
 * A client of the Prometheus HTTP API (`/api/v1/query`, `/api/v1/query_range`),
 * modelled on its wire format: a discriminated success/error result, a
 * timeout, and the caller's AbortSignal passed through.
 */
export interface VectorSample {
  metric: Record<string, string>;
  value: [number, string];
}
export interface MatrixSeries {
  metric: Record<string, string>;
  values: [number, string][];
}

export type PromResult<T> =
  | { status: 'success'; data: T; warnings?: string[] }
  | { status: 'error'; errorType: string; error: string };

export class PrometheusError extends Error {
  override name = 'PrometheusError';
}

export interface PrometheusClientOptions {
  baseUrl: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export class PrometheusClient {
  private readonly timeoutMs: number;
  private readonly fetchFn: typeof fetch;

  constructor(private readonly options: PrometheusClientOptions) {
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.fetchFn = options.fetch ?? fetch;
  }

  private async call<T>(
    path: string,
    params: Record<string, string>,
    signal?: AbortSignal,
  ): Promise<T> {
    const url = new URL(
      path,
      this.options.baseUrl.endsWith('/') ? this.options.baseUrl : `${this.options.baseUrl}/`,
    );
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    let res: Response;
    try {
      res = await this.fetchFn(url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/x-www-form-urlencoded',
          Accept: 'application/json',
        },
        body: new URLSearchParams(params),
        signal: combined,
      });
    } catch (err) {
      if (timeout.aborted)
        throw new PrometheusError(`Prometheus did not answer within ${this.timeoutMs} ms`);
      throw new PrometheusError(
        `Prometheus unreachable at ${this.options.baseUrl}: ${err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err)}`,
      );
    }
    let body: PromResult<T>;
    try {
      body = (await res.json()) as PromResult<T>;
    } catch {
      throw new PrometheusError(`Prometheus answered ${res.status} with a body that is not JSON`);
    }
    if (body.status !== 'success')
      throw new PrometheusError(`Prometheus ${body.errorType}: ${body.error}`);
    return body.data;
  }

  async query(promql: string, time?: number, signal?: AbortSignal): Promise<VectorSample[]> {
    const data = await this.call<{ resultType: string; result: VectorSample[] }>(
      'api/v1/query',
      { query: promql, ...(time !== undefined ? { time: String(time) } : {}) },
      signal,
    );
    if (data.resultType !== 'vector')
      throw new PrometheusError(`expected a vector, got ${data.resultType}`);
    return data.result;
  }

  async queryRange(
    promql: string,
    start: number,
    end: number,
    stepSeconds: number,
    signal?: AbortSignal,
  ): Promise<MatrixSeries[]> {
    const data = await this.call<{ resultType: string; result: MatrixSeries[] }>(
      'api/v1/query_range',
      { query: promql, start: String(start), end: String(end), step: String(stepSeconds) },
      signal,
    );
    if (data.resultType !== 'matrix')
      throw new PrometheusError(`expected a matrix, got ${data.resultType}`);
    return data.result;
  }
}
