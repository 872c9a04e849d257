export { startDemoMesh, type DemoMesh, type DemoMeshOptions } from './demo-mesh';
export { buildScenario, SCENARIOS } from './scenarios';
export type { Scenario, CallSpec, RequestClass } from './scenarios/types';
export { LogNormal, mixtureQuantile } from './traffic/distributions';
export { LATENCY_MS_BUCKETS } from './proxy/families';
