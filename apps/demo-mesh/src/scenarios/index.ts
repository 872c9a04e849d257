import { booksapp } from './booksapp';
import { emojivoto } from './emojivoto';
import { synthetic, type SyntheticOptions } from './synthetic';
import type { Scenario } from './types';

export type ScenarioOptions = SyntheticOptions;

/** Scenario names; `demo` runs emojivoto and booksapp together. */
export const SCENARIOS = ['demo', 'emojivoto', 'booksapp', 'synthetic'] as const;

function merge(name: string, description: string, parts: Scenario[]): Scenario {
  return {
    name,
    description,
    namespaces: parts.flatMap((p) => p.namespaces),
    workloads: parts.flatMap((p) => p.workloads),
    services: parts.flatMap((p) => p.services),
    calls: parts.flatMap((p) => p.calls),
    egress: parts.flatMap((p) => p.egress ?? []),
    resources: parts.flatMap((p) => p.resources),
    incidents: parts.flatMap((p) => p.incidents ?? []),
    replacements: parts.flatMap((p) => p.replacements ?? []),
    linkerdViz: parts.some((p) => p.linkerdViz),
  };
}

export function buildScenario(name: string, options: ScenarioOptions = {}): Scenario {
  switch (name) {
    case 'emojivoto':
      return emojivoto();
    case 'booksapp':
      return booksapp();
    case 'synthetic':
      return synthetic(options);
    case 'demo':
      return merge('demo', 'emojivoto and booksapp side by side', [emojivoto(), booksapp()]);
    default:
      throw new Error(
        `unknown scenario ${JSON.stringify(name)}; choose one of ${SCENARIOS.join(', ')}`,
      );
  }
}
