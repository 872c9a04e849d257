/** The demo mesh's addresses, written by `scripts/start.ts --state-file`, for tests that use its controls. */
export const STATE_FILE = '.tmp/e2e-stack.json';

/** The port of the main e2e stack; the next one serves a cluster without the Gateway API CRDs. */
export const E2E_PORT = Number(process.env.MESHVIZ_E2E_PORT ?? 8094);
export const WITHOUT_GATEWAY_API_URL = `http://127.0.0.1:${E2E_PORT + 1}`;
