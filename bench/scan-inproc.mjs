#!/usr/bin/env node
// In-process scan() timing, for trying scanner changes quickly: wall time, CPU time
// (user+sys of the whole process, all threads: robust when other jobs share the CPUs),
// peak RSS and retained memory per row. Each run is a fresh process.
//
//   node bench/scan-inproc.mjs [--entries N | --root DIR] [--dist PATH] [--runs R] [--cold] [--concurrency C]
//
// --dist points at another build (e.g. a scratch copy with a patch applied) so that
// before/after numbers come from the same tree, the same way.
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join, resolve } from 'node:path';
import v8 from 'node:v8';
import { ensureTree, defaultTreeDir } from './gen-tree.mjs';
import { dropCaches, runMeasured, median, table, fmtS, fmtMiB, parseArgs, waitIdle } from './lib.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    entries: { type: 'string', default: '100000' },
    root: { type: 'string' },
    dist: { type: 'string', default: join(here, '../dist') },
    runs: { type: 'string', default: '3' },
    cold: { type: 'boolean', default: false },
    concurrency: { type: 'string' },
    child: { type: 'boolean', default: false },
    env: { type: 'string', multiple: true, default: [] },
    'node-flag': { type: 'string', multiple: true, default: [] },
    'skip-warmup': { type: 'boolean', default: false },
  },
});

if (values.child) {
  const { scan } = await import(pathToFileURL(join(resolve(values.dist), 'core/scan/scan.js')).href);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const snap = await scan({ root: values.root, format: 'apache', concurrency: values.concurrency ? Number(values.concurrency) : undefined });
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const heap = v8.getHeapStatistics();
  process.stdout.write(JSON.stringify({
    wall, cpu: (cpu.user + cpu.system) / 1e6, user: cpu.user / 1e6, sys: cpu.system / 1e6,
    rows: snap.table.length, maxRss: process.resourceUsage().maxRSS * 1024, heapUsed: heap.used_heap_size, heapTotal: heap.total_heap_size,
  }) + '\n');
} else {
  const entries = Number(values.entries);
  const root = values.root ?? ensureTree({ entries, dir: defaultTreeDir(entries) }).root;
  const env = Object.fromEntries(values.env.map((kv) => { const i = kv.indexOf('='); return [kv.slice(0, i), kv.slice(i + 1)]; }));
  const args = [...values['node-flag'], fileURLToPath(import.meta.url), '--child', '--root', root, '--dist', values.dist, ...(values.concurrency ? ['--concurrency', values.concurrency] : [])];
  const rs = [];
  if (!values.cold && !values['skip-warmup']) await runMeasured(process.execPath, args, { env }); // warm-up
  for (let i = 0; i < Number(values.runs); i++) {
    const busy = await waitIdle({ log: (m) => console.error(m) });
    if (values.cold) dropCaches();
    const r = await runMeasured(process.execPath, args, { env, captureStdout: true });
    if (r.code !== 0) throw new Error(r.stderr);
    const j = JSON.parse(r.stdout);
    rs.push(j);
    console.error(`  run ${i + 1}: scan ${fmtS(j.wall)} s wall, ${fmtS(j.cpu)} s CPU (${fmtS(j.user)} user), peak RSS ${fmtMiB(j.maxRss)}, CPU ${(busy * 100).toFixed(0)}% busy before`);
  }
  const rows = rs[0].rows;
  console.log(table([
    ['dist', 'wall s (median)', 'CPU s (median)', 'peak RSS', 'RSS B/row', 'rows', 'env/flags'],
    [values.dist, fmtS(median(rs.map((r) => r.wall))), fmtS(median(rs.map((r) => r.cpu))), fmtMiB(Math.max(...rs.map((r) => r.maxRss))),
      (Math.max(...rs.map((r) => r.maxRss)) / rows).toFixed(0), rows, [...values.env, ...values['node-flag']].join(' ') || '-'],
  ]));
}
