/**
 * `npm run bench [-- --short]`: every benchmark, printed as tables.
 * Results are figures to read, never assertions.
 */
import { parseArgs } from 'node:util';
import { demoMeshScale } from './demo-mesh-scale';
import { engines } from './engines';
import { webGraph } from './web-graph';

const { values } = parseArgs({ options: { short: { type: 'boolean', default: false } } });

const benches: [string, (short: boolean) => Promise<string>][] = [
  ['demo-mesh-scale', demoMeshScale],
  ['engines', engines],
  ['web-graph', webGraph],
];

for (const [name, bench] of benches) {
  process.stdout.write(`\n## ${name}${values.short ? ' (short)' : ''}\n`);
  process.stdout.write(`${await bench(values.short)}\n`);
}
