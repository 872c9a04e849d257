/** Per client pod and service: a retry budget over a sliding window of one-second slots. */
export class RetryBudget {
  private readonly requests: number[];
  private readonly retries: number[];
  private slot = 0;

  constructor(
    private readonly ratio: number,
    private readonly minPerSecond: number,
    ttlSeconds: number,
  ) {
    const n = Math.max(1, Math.round(ttlSeconds));
    this.requests = new Array<number>(n).fill(0);
    this.retries = new Array<number>(n).fill(0);
  }

  advance(): void {
    this.slot = (this.slot + 1) % this.requests.length;
    this.requests[this.slot] = 0;
    this.retries[this.slot] = 0;
  }

  request(): void {
    this.requests[this.slot] = (this.requests[this.slot] ?? 0) + 1;
  }

  /** Spends one retry when the budget allows it. */
  tryRetry(): boolean {
    const reqs = this.requests.reduce((a, b) => a + b, 0);
    const done = this.retries.reduce((a, b) => a + b, 0);
    if (done + 1 > this.minPerSecond * this.requests.length + this.ratio * reqs) return false;
    this.retries[this.slot] = (this.retries[this.slot] ?? 0) + 1;
    return true;
  }
}
