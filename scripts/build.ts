/**
 * `npm run build`: the production artefact in `dist/` (or `--out DIR`):
 *   api/main.js   the API bundled to plain JavaScript (workspace code inlined;
 *                 npm dependencies left to node_modules), run with `node`
 *   web/          the built SPA, which the API serves
 *   package.json  the production dependencies, pinned to the versions tested here
 * No TypeScript and no tsx at run time: `npm install --omit=dev` in that folder,
 * then `node api/main.js`. The image recipe (Dockerfile) does exactly that.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({ options: { out: { type: 'string', default: 'dist' } } });
const out = resolve(root, values.out ?? 'dist');

const readJson = (path: string) =>
  JSON.parse(readFileSync(join(root, path), 'utf8')) as {
    version?: string;
    engines?: Record<string, string>;
    dependencies?: Record<string, string>;
  };

function run(command: string, args: string[]): void {
  const r = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${r.status}`);
}

// Production dependencies: the API's and the shared package's, less the workspace ones.
const workspace = (name: string) => name.startsWith('@meshviz/');
const wanted = new Set(
  ['apps/api/package.json', 'packages/shared/package.json'].flatMap((p) =>
    Object.keys(readJson(p).dependencies ?? {}).filter((d) => !workspace(d)),
  ),
);
const dependencies = Object.fromEntries(
  [...wanted].sort().map((d) => [d, readJson(`node_modules/${d}/package.json`).version ?? '*']),
);

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, 'api'), { recursive: true });

run('npm', ['run', '--silent', 'build', '-w', '@meshviz/web']);
cpSync(join(root, 'apps/web/dist'), join(out, 'web'), { recursive: true });

await build({
  // The API, and the layout engine's thread it starts beside itself.
  entryPoints: {
    main: join(root, 'apps/api/src/main.ts'),
    'layout-worker': join(root, 'apps/api/src/layout/layout-worker.ts'),
  },
  outdir: join(out, 'api'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  external: [...wanted],
  logLevel: 'warning',
});

const rootPkg = readJson('package.json');
writeFileSync(
  join(out, 'package.json'),
  `${JSON.stringify(
    {
      name: 'meshviz',
      version: readJson('apps/api/package.json').version ?? rootPkg.version,
      private: true,
      type: 'module',
      engines: rootPkg.engines,
      main: 'api/main.js',
      scripts: { start: 'node api/main.js' },
      dependencies,
    },
    null,
    2,
  )}\n`,
);
process.stdout.write(`meshviz built in ${out}: node ${join(out, 'api/main.js')}\n`);
