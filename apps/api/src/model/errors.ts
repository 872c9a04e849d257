/** The model's errors; the HTTP layer maps each to a status in one place (`http/errors.ts`). */

/** The request is wrong: 400 with a message naming the problem. */
export class InputError extends Error {
  override name = 'InputError';
}
/** The addressed object does not exist: 404. */
export class NotFoundError extends Error {
  override name = 'NotFoundError';
}
/** An upstream (Kubernetes API, Prometheus, a proxy) failed and nothing could be computed: 502. */
export class UpstreamError extends Error {
  override name = 'UpstreamError';
}
/** The server has as much of this work in hand as it takes: 503, try again later. */
export class BusyError extends Error {
  override name = 'BusyError';
}
