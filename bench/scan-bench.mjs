#!/usr/bin/env node
// Times, in one run and on the same tree, `cachectl report`, `find -printf` (the floor:
// no header reads) and `htcacheclean -D -v` with a limit above the cache (C, reads every
// header as we must), warm or cold, and prints ratios and cachectl's peak RSS per entry.
//
//   npx tsc -p . && node bench/scan-bench.mjs [--entries N] [--cold] [--dir PATH] [--runs R]
//
// Options:
//   --entries N       entries in the generated tree (default 100000; 500000 is the target size)
//   --dir PATH        where the tree lives (default /work/bench-trees/cachectl-N; PATH/cache is the root)
//   --cold            `sync; echo 3 > /proc/sys/vm/drop_caches` before every timed command (root)
//   --runs R          timed runs per command (default 3); the median is reported
//   --cachectl PATH   the CLI to time (default bin/cachectl.js of this checkout)
//   --env K=V         extra environment for cachectl only (repeatable), e.g. UV_THREADPOOL_SIZE=8
//   --only LIST       comma list of cachectl,find,htcacheclean (default all)
//   --indexed         also time `cachectl report` with its persisted index (a private
//                     --state-dir, primed by an untimed run): the incremental path
//   --idle P          before each timed command wait (up to 120 s) until the CPUs are
//                     < P busy (default 0.15: other people's tests share the 2 cores)
//   --json FILE       also write the results as JSON
//
// cachectl is timed as `node bin/cachectl.js report --format apache --json --no-index DIR`
// (a full scan that reads every header, like htcacheclean; --no-index when the build has it).
//
// Targets at 500k entries: warm <= 1.0x htcacheclean, cold <= 0.5x, <= 250 B RSS/entry.
import { writeFileSync, mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { ensureTree, defaultTreeDir } from './gen-tree.mjs';
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { requireTools, dropCaches, runMeasured, median, table, fmtS, fmtX, fmtMiB, machine, parseArgs, waitIdle, HTCACHECLEAN, treeOptions } from './lib.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    ...treeOptions(),
    cachectl: { type: 'string', default: join(repo, 'bin/cachectl.js') },
    env: { type: 'string', multiple: true, default: [] },
    only: { type: 'string', default: 'cachectl,find,htcacheclean' },
    json: { type: 'string' },
    indexed: { type: 'boolean', default: false },
    idle: { type: 'string', default: '0.15' },
  },
});
const entries = Number(values.entries);
const runs = Number(values.runs);
const cold = values.cold;
const only = new Set(values.only.split(','));
const cachectlEnv = Object.fromEntries(values.env.map((kv) => { const i = kv.indexOf('='); return [kv.slice(0, i), kv.slice(i + 1)]; }));
requireTools();
if (cold) dropCaches(); // fail now, not after generating

const tree = ensureTree({ entries, dir: values.dir ?? defaultTreeDir(entries) });
const root = tree.root;
// "-l larger than the cache": nothing is purged, but every header is still opened and read.
const limit = `${Math.ceil((tree.bytes * 2) / 1024)}K`;

const help = spawnSync(process.execPath, [values.cachectl, 'report', '--help'], { encoding: 'utf8' }).stdout;
const noIndex = help.includes('--no-index') ? ['--no-index'] : [];
const stateDir = mkdtempSync(join(tmpdir(), 'cachectl-bench-state-'));
const checkReport = (r) => {
  const rep = JSON.parse(r.stdout);
  if (rep.entries !== tree.entries) throw new Error(`cachectl saw ${rep.entries} entries, expected ${tree.entries}`);
};
const commands = [
  {
    name: 'cachectl',
    // --format apache: no detection step in what is timed (auto-detection before c4f9335 missed 2/1 trees).
    cmd: process.execPath, args: [values.cachectl, 'report', '--format', 'apache', '--json', ...noIndex, root], env: cachectlEnv, captureStdout: true,
    check: checkReport,
  },
  ...(values.indexed && noIndex.length ? [{
    name: 'cachectl-index',
    cmd: process.execPath, args: [values.cachectl, 'report', '--format', 'apache', '--json', '--state-dir', stateDir, root], env: cachectlEnv, captureStdout: true,
    check: checkReport, prime: true,
  }] : []),
  { name: 'find', cmd: 'find', args: [root, '-printf', '%s %A@ %p\n'], check: () => {} },
  {
    name: 'htcacheclean',
    cmd: HTCACHECLEAN, args: ['-D', '-v', '-p', root, '-l', limit],
    check: (r) => {
      const m = /total entries was (\d+)/.exec(r.stderr);
      if (!m || Number(m[1]) !== tree.entries) throw new Error(`htcacheclean: unexpected output:\n${r.stderr}`);
    },
  },
].filter((c) => only.has(c.name) || (c.name === 'cachectl-index' && only.has('cachectl')));

const idle = Number(values.idle);
async function runOne(c, timed = true) {
  c.busy = timed ? await waitIdle({ threshold: idle, log: (m) => console.error(m) }) : 0;
  if (cold) dropCaches();
  const r = await runMeasured(c.cmd, c.args, { env: c.env, captureStdout: c.captureStdout });
  if (r.code !== 0) throw new Error(`${c.name} exited ${r.code}${r.signal ? ` (${r.signal})` : ''}:\n${r.stderr.slice(-2000)}`);
  c.check(r);
  return r;
}

// Node + commander + our modules with nothing scanned: subtracted for "RSS/entry above baseline".
async function baselineRss() {
  const empty = mkdtempSync(join(tmpdir(), 'cachectl-empty-'));
  mkdirSync(join(empty, 'A'));
  const r = await runMeasured(process.execPath, [values.cachectl, 'report', '--format', 'apache', '--json', ...noIndex, empty], { env: cachectlEnv });
  rmSync(empty, { recursive: true, force: true });
  return r.maxRss;
}

const info = machine();
console.error(`scan-bench: ${entries} entries, ${cold ? 'cold' : 'warm'}, ${runs} run(s), ${info.cpus} CPUs, node ${info.node}${Object.keys(cachectlEnv).length ? `, cachectl env ${JSON.stringify(cachectlEnv)}` : ''}`);
console.error(`load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
if (!cold) {
  console.error('warm-up (untimed)...');
  for (const c of commands) await runOne(c, false);
} else {
  for (const c of commands) if (c.prime) await runOne(c, false);
}
const results = Object.fromEntries(commands.map((c) => [c.name, []]));
for (let i = 0; i < runs; i++) {
  // Interleaved, so drift (other jobs on the box) hits every command alike.
  for (const c of commands) {
    const r = await runOne(c);
    results[c.name].push(r);
    console.error(`  run ${i + 1}: ${c.name.padEnd(14)} ${fmtS(r.seconds)} s  CPU ${fmtS(r.cpu)} s  ${fmtMiB(r.maxRss)}  (machine ${(c.busy * 100).toFixed(0)}% busy before)`);
  }
}
const base = only.has('cachectl') ? await baselineRss() : NaN;
rmSync(stateDir, { recursive: true, force: true });

const med = (name) => median(results[name]?.map((r) => r.seconds) ?? []);
const rss = (name) => Math.max(...(results[name]?.map((r) => r.maxRss) ?? [NaN]));
const summary = {
  machine: info, entries, files: tree.files, mode: cold ? 'cold' : 'warm', runs,
  seconds: Object.fromEntries(commands.map((c) => [c.name, { median: med(c.name), all: results[c.name].map((r) => +r.seconds.toFixed(3)), cpu: results[c.name].map((r) => r.cpu) }])),
  peakRss: Object.fromEntries(commands.map((c) => [c.name, rss(c.name)])),
  cachectlBaselineRss: base,
  ratios: { cachectlVsHtcacheclean: med('cachectl') / med('htcacheclean'), cachectlVsFind: med('cachectl') / med('find') },
  rssPerEntry: { total: rss('cachectl') / entries, aboveBaseline: (rss('cachectl') - base) / entries },
  env: cachectlEnv,
  cachectlArgs: commands[0].args.slice(1),
  loadavgAfter: loadavg(),
};

const cpuMed = (name) => median(results[name]?.map((r) => r.cpu) ?? []);
const rows = [['command', 'median s', 'runs (s)', 'CPU s', 'peak RSS', 'vs htcacheclean', 'vs find']];
for (const c of commands) {
  rows.push([c.name, fmtS(med(c.name)), results[c.name].map((r) => fmtS(r.seconds)).join(' '), fmtS(cpuMed(c.name)), fmtMiB(rss(c.name)),
    fmtX(med(c.name) / med('htcacheclean')), fmtX(med(c.name) / med('find'))]);
}
const target = cold ? 0.5 : 1.0;
const ratio = summary.ratios.cachectlVsHtcacheclean;
console.log(`\n${entries} entries (${tree.files} files), ${cold ? 'cold (caches dropped before each command)' : 'warm'}, median of ${runs}, ${info.date}, ${info.cpus} CPUs (${info.cpuModel}), node ${info.node}`);
console.log(table(rows));
console.log(`\ncachectl/htcacheclean ${fmtX(ratio)} (target <= ${target.toFixed(1)}x: ${ratio <= target ? 'met' : 'MISSED'})`);
console.log(`cachectl/find         ${fmtX(summary.ratios.cachectlVsFind)}`);
if (results['cachectl-index']) console.log(`cachectl with its index/htcacheclean ${fmtX(med('cachectl-index') / med('htcacheclean'))}`);
console.log(`cachectl peak RSS     ${fmtMiB(rss('cachectl'))} = ${summary.rssPerEntry.total.toFixed(0)} B/entry `
  + `(${summary.rssPerEntry.aboveBaseline.toFixed(0)} B/entry above the ${fmtMiB(base)} baseline; target <= 250: ${summary.rssPerEntry.total <= 250 ? 'met' : 'MISSED'})`);
if (values.json) writeFileSync(values.json, JSON.stringify(summary, null, 2) + '\n');
