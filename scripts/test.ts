/**
 * `npm test`: every check and suite, then one totals line `N passed, N failed, N skipped`.
 * Each suite runs even when an earlier one failed, so one run shows everything.
 * Lint, typecheck and format count as one check each.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const reports = join(root, '.tmp', 'reports');
rmSync(reports, { recursive: true, force: true });
mkdirSync(reports, { recursive: true });

interface Result {
  suite: string;
  passed: number;
  failed: number;
  skipped: number;
  seconds: number;
  note?: string;
}
const results: Result[] = [];

function run(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): { code: number; seconds: number } {
  const start = Date.now();
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  return { code: r.status ?? 1, seconds: (Date.now() - start) / 1000 };
}

function check(suite: string, cmd: string, args: string[]): void {
  process.stdout.write(`\n=== ${suite}\n`);
  const { code, seconds } = run(cmd, args);
  results.push({
    suite,
    passed: code === 0 ? 1 : 0,
    failed: code === 0 ? 0 : 1,
    skipped: 0,
    seconds,
  });
}

interface VitestReport {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  numTotalTestSuites: number;
  numFailedTestSuites: number;
}

function vitest(suite: string, projects: string[]): void {
  process.stdout.write(`\n=== ${suite}\n`);
  const out = join(reports, `${suite}.json`);
  const { code, seconds } = run('npx', [
    'vitest',
    'run',
    ...projects.flatMap((p) => ['--project', p]),
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${out}`,
  ]);
  if (!existsSync(out)) {
    results.push({
      suite,
      passed: 0,
      failed: 1,
      skipped: 0,
      seconds,
      note: `runner exited ${code} without a report`,
    });
    return;
  }
  const r = JSON.parse(readFileSync(out, 'utf8')) as VitestReport;
  // A file that fails to load has no failed tests but is a failure all the same.
  const loadFailures =
    code !== 0 && r.numFailedTests === 0 ? Math.max(1, r.numFailedTestSuites) : 0;
  results.push({
    suite,
    passed: r.numPassedTests,
    failed: r.numFailedTests + loadFailures,
    skipped: r.numPendingTests + r.numTodoTests,
    seconds,
    ...(r.numPassedTests + r.numFailedTests === 0 ? { note: 'no tests ran' } : {}),
  });
}

interface PlaywrightReport {
  stats: { expected: number; unexpected: number; flaky: number; skipped: number };
  errors?: unknown[];
}

function playwright(suite: string): void {
  process.stdout.write(`\n=== ${suite}\n`);
  const out = join(reports, 'e2e.json');
  const { code, seconds } = run('npx', ['playwright', 'test'], {
    PLAYWRIGHT_JSON_OUTPUT_NAME: out,
  });
  if (!existsSync(out)) {
    results.push({
      suite,
      passed: 0,
      failed: 1,
      skipped: 0,
      seconds,
      note: `runner exited ${code} without a report`,
    });
    return;
  }
  const r = JSON.parse(readFileSync(out, 'utf8')) as PlaywrightReport;
  const globalErrors = code !== 0 && r.stats.unexpected === 0 ? 1 : 0;
  results.push({
    suite,
    passed: r.stats.expected + r.stats.flaky,
    failed: r.stats.unexpected + globalErrors,
    skipped: r.stats.skipped,
    seconds,
  });
}

process.stdout.write('=== system packages (Chromium, Prometheus)\n');
const deps = run('bash', ['scripts/ensure-system-deps.sh']);
if (deps.code !== 0) {
  process.stdout.write('0 passed, 1 failed\n');
  process.exit(1);
}

check('lint', 'npm', ['run', '--silent', 'lint']);
check('typecheck', 'npm', ['run', '--silent', 'typecheck']);
check('format', 'npm', ['run', '--silent', 'format:check']);
vitest('unit', ['unit-node', 'unit-web']);
vitest('integration', ['integration']);
check('build', 'npm', ['run', '--silent', 'build']);
playwright('e2e');
// CI also runs the benchmarks briefly, so they keep working; their figures are printed, not judged.
if (process.env.CI) check('bench', 'npm', ['run', '--silent', 'bench', '--', '--short']);

const total = results.reduce(
  (t, r) => ({
    passed: t.passed + r.passed,
    failed: t.failed + r.failed,
    skipped: t.skipped + r.skipped,
  }),
  {
    passed: 0,
    failed: 0,
    skipped: 0,
  },
);
process.stdout.write('\nsuite         passed  failed  skipped  seconds\n');
for (const r of results) {
  process.stdout.write(
    `${r.suite.padEnd(12)}  ${String(r.passed).padStart(6)}  ${String(r.failed).padStart(6)}  ${String(r.skipped).padStart(7)}  ${r.seconds.toFixed(1).padStart(7)}${r.note ? `  (${r.note})` : ''}\n`,
  );
}
const empty = results.filter((r) => r.passed + r.failed === 0);
if (empty.length > 0) {
  total.failed += empty.length;
  process.stdout.write(`empty suites count as failures: ${empty.map((r) => r.suite).join(', ')}\n`);
}
process.stdout.write(
  `${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ''}\n`,
);
process.exit(total.failed > 0 ? 1 : 0);
