/**
 * `npm run bench`: every benchmark, printed as a table and one JSON document (for docs/benchmarks.md).
 * Benchmarks measure; they never fail on a target (targets are checked by reading the numbers).
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { bundleFunctions, packageOf } from '../infra/bundle.ts';
import { benchBacktest, benchInstructions, formatBacktest } from './backtest.ts';
import { benchDsl } from './dsl.ts';
import { benchPlanner } from './planner.ts';
import { benchWidth, formatWidth } from './width.ts';
import { benchWorkflow, formatWorkflow } from './workflow.ts';

const only = process.argv[2];

const report: Record<string, unknown> = {
  node: process.version,
  cpus: (await import('node:os')).cpus().length,
  date: new Date().toISOString(),
};

if (!only || only === 'dsl') {
  const dsl = await benchDsl();
  console.log('\nStrategy language (median of 5; one date = 2025-10-23, cold snapshot)');
  console.log('file                              parse ms  one-date ms  sessions  evaluable  full-window ms');
  for (const r of dsl) {
    console.log(
      `${r.file.padEnd(32)} ${r.parseMs.toFixed(1).padStart(9)} ${r.oneDateMs.toFixed(1).padStart(12)} ${String(r.sessions).padStart(9)} ${String(r.evaluable).padStart(10)} ${r.fullWindowMs.toFixed(0).padStart(15)}`,
    );
  }
  const total = dsl.reduce((a, r) => a + r.fullWindowMs, 0);
  console.log(`all 19 files over every session of the data: ${(total / 1000).toFixed(2)} s`);
  const rss = execFileSync(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(new URL('./rss-child.ts', import.meta.url)), 'ftl_starburst.clj'],
    { encoding: 'utf8' },
  );
  console.log(
    `peak RSS, ftl_starburst (parse + data + one date + full window): ${JSON.parse(rss).maxRssMb.toFixed(0)} MB`,
  );
  report.dsl = { files: dsl, fullWindowTotalMs: total, rss: JSON.parse(rss) };
}

if (!only || only === 'ledger') {
  // Ledger writes/s (child process: its own dynalite) and the planner micro-benchmark (issue 3).
  const bench = fileURLToPath(new URL('../../packages/ledger/bench/ledger-writes.ts', import.meta.url));
  const out = execFileSync(process.execPath, ['--import', 'tsx', bench], { encoding: 'utf8' });
  const writes = JSON.parse(out.trim().split('\n').at(-1) ?? '{}');
  const planner = benchPlanner();
  console.log(`\nLedger and planner\n${writes.name}: ${writes.value}`);
  for (const p of planner) console.log(`${p.name}: ${p.opsPerSec} ops/s (${p.lines} lines)`);
  report.ledger = { writes, planner };
}

if (!only || only === 'workflow') {
  // One local trading day through the real steps (issue 5); each day in a fresh home and its own process.
  // `npm run bench -- workflow 10,100` limits the generated sizes (default 10,100,1000).
  const sizes = process.argv[3]
    ?.split(',')
    .map(Number)
    .filter((n) => Number.isInteger(n) && n > 0);
  console.log('\nA local trading day (real steps, dynalite on disk, SimBroker, bundled data)');
  const wf = await benchWorkflow(sizes, (line) => console.log(`  ${line}`));
  for (const line of formatWorkflow(wf)) console.log(line);
  report.workflow = wf;
}

if (only === 'width') {
  // One strategy of N synthetic symbols through the real steps, and the core planner (issue 17, item 11).
  // Not part of the default run (minutes). `npm run bench -- width 1000,10000 250,500` sets the widths:
  // first those run with the kill switch on (no order), then those that trade.
  const widths = (arg: string | undefined) =>
    arg
      ?.split(',')
      .map(Number)
      .filter((n) => Number.isInteger(n) && n > 0);
  console.log('\nWidth: one strategy of N symbols through the real steps');
  const width = benchWidth(widths(process.argv[3]), widths(process.argv[4]), (line) =>
    console.log(`  ${line}`),
  );
  for (const line of formatWidth(width)) console.log(line);
  report.width = width;
}

if (!only || only === 'bundles') {
  // Each Lambda function bundled as SST bundles it (esbuild, minified, AWS SDK external): size and the
  // largest packages inside (test/infra/bundles.test.ts guards the limits).
  const bundles = await bundleFunctions();
  console.log('\nLambda bundles (esbuild, minified, AWS SDK external)');
  const rows = bundles.map((b) => {
    const byPackage = new Map<string, number>();
    for (const [path, bytes] of b.inputs)
      byPackage.set(packageOf(path), (byPackage.get(packageOf(path)) ?? 0) + bytes);
    const top = [...byPackage].sort((x, y) => y[1] - x[1]).slice(0, 4);
    console.log(
      `${b.name.padEnd(20)} ${(b.bytes / 1048576).toFixed(2).padStart(5)} MB  ${top.map(([p, n]) => `${p} ${(n / 1024).toFixed(0)} KB`).join(', ')}`,
    );
    return { name: b.name, bytes: b.bytes, top: Object.fromEntries(top) };
  });
  report.bundles = rows;
}

if (!only || only === 'backtest') {
  // The backtest (issue 14): whole processes on one core, the default set and the 19 corpus strategies.
  // `npm run bench -- backtest default` (or `corpus`) takes one of the two.
  const parts = process.argv[3] === 'default' || process.argv[3] === 'corpus' ? process.argv[3] : 'all';
  console.log('\nBacktest (whole process on one core: taskset -c 0; /usr/bin/time)');
  const bt = await benchBacktest(parts, (line) => console.log(`  ${line}`));
  for (const line of formatBacktest(bt)) console.log(line);
  report.backtest = bt;
}

if (only === 'instructions') {
  // The backtest's instructions (cachegrind): the figure to compare two builds on a machine whose speed
  // drifts. Not part of the default run (about 90 s). `npm run bench -- instructions 2024-01-02` sets --from.
  console.log('\nBacktest instructions (valgrind --tool=cachegrind, the default set)');
  const counted = benchInstructions(process.argv[3]);
  if (counted === null) console.log('  valgrind is not installed: apt-get install -y valgrind');
  else {
    console.log(
      `  ensemble ${counted.args.join(' ')}: ${counted.sessions} sessions, ${(counted.instructions / 1e9).toFixed(2)} G instructions (${counted.wallS.toFixed(0)} s under valgrind)`,
    );
  }
  report.instructions = counted;
}

console.log(`\n${JSON.stringify(report)}`);
