/** The demo mesh's addresses, written by `scripts/start.ts --state-file`, for tests that use its controls. */
export const STATE_FILE = '.tmp/e2e-stack.json';
