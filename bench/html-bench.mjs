#!/usr/bin/env node
// Times, in one run and on the same tree, `cachectl report --json` and `cachectl report
// --html FILE` (issue 20), interleaved, and prints the html/json ratio (target <= 1.10)
// and the page's size (target <= 300 KB at 500k entries).
//
//   npm run build && node bench/html-bench.mjs [--entries N] [--dir PATH] [--runs R] [--cold] [--json FILE]
//
// Options:
//   --entries N   entries in the generated tree (default 500000: the target size)
//   --dir PATH    where the tree lives (default /work/bench-trees/html-N; PATH/cache is the root).
//                 Not the other benchmarks' tree: some of them change theirs between rounds.
//   --runs R      timed runs per command (default 3); medians are reported
//   --cold        `sync; echo 3 > /proc/sys/vm/drop_caches` before every timed command (root)
//   --idle P      before each timed command wait (up to 120 s) until the CPUs are < P busy (default 0.15)
//   --json FILE   also write the results as JSON
//
// Both are full scans (--no-index: every header read, as a first run does) with --top 10;
// the page also reads a run log of 90 daily prunes from a private state dir, so its
// history panel is drawn as on a mirror pruned daily for three months.
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { ensureTree } from './gen-tree.mjs';
import { dropCaches, runMeasured, median, table, fmtS, fmtX, fmtMiB, machine, parseArgs, waitIdle, treeOptions } from './lib.mjs';
import { appendRun } from '../dist/core/runLog/runLog.js';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(repo, 'bin/cachectl.js');
const { values } = parseArgs({ options: { ...treeOptions({ entries: 500000 }), idle: { type: 'string', default: '0.15' }, json: { type: 'string' } } });
const entries = Number(values.entries);
const runs = Number(values.runs);
const tree = ensureTree({ entries, dir: values.dir ?? `/work/bench-trees/html-${entries}` });

const work = mkdtempSync(join(tmpdir(), 'cachectl-html-bench-'));
const state = join(work, 'state');
const page = join(work, 'report.html');
const DAY = 86400e3;
const now = Date.now();
for (let d = 90; d >= 1; d--) {
  await appendRun(state, tree.root, {
    time: now - d * DAY, usage: 'disk', before: 52e9 + (d % 7) * 1e9, after: 50e9, entriesBefore: entries + 900, entriesAfter: entries,
    evicted: 2e9 + (d % 7) * 1e9, evictedEntries: 900, byReason: { lru: 2e9 }, tailAgeMs: (60 + (d % 9)) * DAY, limit: 50e9,
    targetMet: d % 17 !== 0, errors: 0, interrupted: false, durationMs: 9000,
  });
}

const common = ['report', '--format', 'apache', '--no-index', '--state-dir', state, '--top', '10'];
const commands = {
  json: [CLI, ...common, '--json', tree.root],
  html: [CLI, ...common, '--html', page, tree.root],
};
const results = { json: [], html: [] };
try {
  for (let i = 0; i < runs; i++) {
    for (const name of i % 2 ? ['html', 'json'] : ['json', 'html']) {
      if (values.cold) dropCaches();
      else await waitIdle({ threshold: Number(values.idle), log: console.error });
      const r = await runMeasured(process.execPath, commands[name]);
      if (r.code !== 0) throw new Error(`${name} exited ${r.code}: ${r.stderr}`);
      results[name].push(r);
      console.error(`  ${name} run ${i + 1}: ${fmtS(r.seconds)} s`);
    }
  }
  const med = (name, k) => median(results[name].map((r) => r[k]));
  const size = statSync(page).size;
  const ratio = med('html', 'seconds') / med('json', 'seconds');
  console.log(`\ncachectl report --html vs --json, ${entries} entries (${tree.root}), ${values.cold ? 'cold' : 'warm'}, median of ${runs}\n`);
  console.log(table([
    ['command', 'wall s', 'cpu s', 'peak RSS'],
    ...['json', 'html'].map((n) => [`report --${n}`, fmtS(med(n, 'seconds')), fmtS(med(n, 'cpu')), fmtMiB(med(n, 'maxRss'))]),
  ]));
  console.log(`\nhtml / json wall time: ${fmtX(ratio)} (target <= 1.10x)`);
  console.log(`page size: ${(size / 1024).toFixed(1)} KiB (target <= 300 KB)`);
  if (values.json) {
    writeFileSync(values.json, JSON.stringify({ machine: machine(), entries, cold: values.cold, runs, ratio, pageBytes: size, results }, null, 2));
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
