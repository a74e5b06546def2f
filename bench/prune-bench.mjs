#!/usr/bin/env node
// Prune benchmark: on the same tree and in one run, `cachectl prune --usage apparent
// --dry-run` down to half the cache against `htcacheclean -D -p DIR -l HALF`, then the
// real `cachectl prune` (deletions included). htcacheclean's eviction is O(n·k) (a full
// list scan per deleted entry): at 500k entries its dry run took 32 minutes on this
// machine type, so it is killed after --htcacheclean-timeout and reported as "> N s".
//
//   npx tsc -p . && node bench/prune-bench.mjs [--entries N] [--htcacheclean-timeout S] [--no-real] [--cold]
//
// Options:
//   --entries N                 entries in the generated tree (default 500000)
//   --dir PATH                  tree location (default /work/bench-trees/cachectl-N)
//   --htcacheclean-timeout S    kill htcacheclean after S seconds (default 600)
//   --no-real                   skip the real prune (the tree stays reusable)
//   --cold                      drop the page cache before each timed command (root)
//   --cachectl PATH             the CLI to time (default bin/cachectl.js of this checkout)
//   --json FILE                 also write the results as JSON
//   --index                     a warm persisted index (built untimed with `report --state-dir`),
//                               as a daily cron run has; default: --no-index (a full scan each time)
//   --runs R                    time the cachectl dry run R times, report the median (default 1)
//   --first                     the first run of all: an empty state dir, so the timed dry run
//                               builds and saves the index (issue #17's target: ≥ 15x htcacheclean -D)
//   --floor                     also time the syscall floor (bench/scan-floor.c, built with cc: the
//                               kernel calls any tool must make, on 2 threads: the walk, then the
//                               victims' re-check, as a plan must wait for the walk) and `node -e 0`:
//                               what is left of cachectl's time is its own work
//
// The real prune deletes half the tree, so it invalidates the tree's marker: the next
// benchmark regenerates it.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureTree, defaultTreeDir, invalidateTree } from './gen-tree.mjs';
import { requireTools, dropCaches, runMeasured, table, fmtS, fmtX, fmtMiB, machine, parseArgs, waitIdle, HTCACHECLEAN } from './lib.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    entries: { type: 'string', default: '500000' },
    dir: { type: 'string' },
    'htcacheclean-timeout': { type: 'string', default: '600' },
    real: { type: 'boolean', default: true },
    'no-real': { type: 'boolean', default: false },
    cold: { type: 'boolean', default: false },
    cachectl: { type: 'string', default: join(repo, 'bin/cachectl.js') },
    json: { type: 'string' },
    index: { type: 'boolean', default: false },
    first: { type: 'boolean', default: false },
    runs: { type: 'string', default: '1' },
    floor: { type: 'boolean', default: false },
  },
});
const entries = Number(values.entries);
const timeout = Number(values['htcacheclean-timeout']);
const doReal = values.real && !values['no-real'];
const runs = Number(values.runs);
requireTools();
if (values.cold) dropCaches();
const dir = values.dir ?? defaultTreeDir(entries);
const tree = ensureTree({ entries, dir });
const root = tree.root;
const half = Math.floor(tree.bytes / 2);
// htcacheclean's -l takes bytes (no suffix) or a 1024-based K/M/G suffix; bytes are exact.
const htLimit = String(half);

const help = spawnSync(process.execPath, [values.cachectl, 'prune', '--help'], { encoding: 'utf8' });
if (help.status !== 0) throw new Error(`${values.cachectl} has no prune command yet:\n${help.stderr}`);
const stateDir = values.index || values.first ? mkdtempSync(join(tmpdir(), 'cachectl-prune-bench-state-')) : null;
const extra = stateDir ? ['--state-dir', stateDir] : help.stdout.includes('--no-index') ? ['--no-index'] : [];
const pruneArgs = (dry) => [values.cachectl, 'prune', root, '--limit', String(half), '--usage', 'apparent', '--format', 'apache', '--json', ...extra, ...(dry ? ['--dry-run'] : [])];

async function timed(name, cmd, args, opts = {}) {
  await waitIdle({ log: (m) => console.error(m) });
  if (values.cold) dropCaches();
  console.error(`${name}: ${[cmd, ...args].join(' ')}`);
  const r = await runMeasured(cmd, args, opts);
  console.error(`  ${fmtS(r.seconds)} s, CPU ${fmtS(r.cpu)} s, peak RSS ${fmtMiB(r.maxRss)}${r.timedOut ? ` (killed after ${timeout} s)` : ''}`);
  return r;
}

function pruneSummary(r) {
  if (r.code !== 0 && r.code !== 4) throw new Error(`cachectl prune exited ${r.code}:\n${r.stderr.slice(-2000)}`);
  const j = JSON.parse(r.stdout);
  return { before: j.before, after: j.after, removed: j.removed?.entries ?? j.plan?.length, targetMet: j.targetMet, scanMs: j.scanMs, firstDeletionMs: j.firstDeletionMs, durationMs: j.durationMs };
}

const info = machine();
console.error(`prune-bench: ${entries} entries, ${tree.bytes} B apparent, limit ${half} B (half), ${values.cold ? 'cold' : 'warm'}`);
if (!values.cold) {
  // Warm the page cache the same way for both (an untimed full read of the tree).
  spawnSync('find', [root, '-printf', '%s\n'], { stdio: 'ignore' });
}

if (stateDir && !values.first) {
  const b = spawnSync(process.execPath, [values.cachectl, 'report', root, '--format', 'apache', '--json', '--state-dir', stateDir], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (b.status !== 0) throw new Error('could not build the index');
  console.error(`index built in ${stateDir} (untimed)`);
}
/** `runs` timed runs of a command (`before` each one): the median by wall time. */
async function medianOf(name, cmd, args, opts = {}, before = () => {}) {
  const rs = [];
  for (let i = 0; i < runs; i++) {
    before();
    rs.push(await timed(`${name} ${i + 1}/${runs}`, cmd, args, opts));
  }
  return rs.sort((a, b) => a.seconds - b.seconds)[Math.floor(runs / 2)];
}

// The dry run; each --first run starts from an empty state dir.
const emptyState = () => { if (values.first) { rmSync(stateDir, { recursive: true, force: true }); mkdirSync(stateDir, { mode: 0o700 }); } };
const dry = await medianOf('cachectl dry run', process.execPath, pruneArgs(true), { captureStdout: true }, emptyState);
const drySum = pruneSummary(dry);
const ht = await timed('htcacheclean dry run', HTCACHECLEAN, ['-D', '-v', '-p', root, '-l', htLimit], { timeoutSeconds: timeout });
let htDeleted = null;
if (!ht.timedOut) {
  if (ht.code !== 0) throw new Error(`htcacheclean exited ${ht.code}:\n${ht.stderr}`);
  const m = /(\d+) entries deleted \((\d+) from future, (\d+) expired, (\d+) fresh\)/.exec(ht.stderr);
  htDeleted = m ? { total: +m[1], future: +m[2], expired: +m[3], fresh: +m[4] } : null;
}

// The floor: the same syscalls in C and nothing else, and node's own start-up.
let floor = null;
if (values.floor) {
  const bin = join(mkdtempSync(join(tmpdir(), 'cachectl-floor-')), 'scan-floor');
  const cc = spawnSync('cc', ['-O2', '-pthread', join(repo, 'bench/scan-floor.c'), '-o', bin], { stdio: 'inherit' });
  if (cc.status !== 0) throw new Error('cc could not build bench/scan-floor.c');
  floor = {
    syscalls: await medianOf('syscall floor', bin, [root, '2', String(drySum.removed / drySum.before.entries)]),
    node: await medianOf('node start-up', process.execPath, ['-e', '0']),
  };
  rmSync(dirname(bin), { recursive: true, force: true });
}

let real = null;
if (doReal) {
  invalidateTree(dir); // from here on the tree is no longer the generated one
  const r = await timed('cachectl real prune', process.execPath, pruneArgs(false), { captureStdout: true });
  real = { seconds: r.seconds, cpu: r.cpu, maxRss: r.maxRss, ...pruneSummary(r) };
}

const htText = ht.timedOut ? `> ${timeout}` : fmtS(ht.seconds);
const ratio = dry.seconds / ht.seconds; // an upper bound when htcacheclean was killed
const rows = [['command', 'seconds', 'CPU s', 'peak RSS', 'entries removed']];
rows.push(['cachectl prune --dry-run', fmtS(dry.seconds), fmtS(dry.cpu), fmtMiB(dry.maxRss), drySum.removed]);
rows.push(['htcacheclean -D', htText, ht.timedOut ? '-' : fmtS(ht.cpu), fmtMiB(ht.maxRss), htDeleted ? `${htDeleted.total} (${htDeleted.expired} expired, ${htDeleted.fresh} fresh)` : '-']);
if (floor) {
  rows.push(['syscall floor (bench/scan-floor.c, 2 threads)', fmtS(floor.syscalls.seconds), fmtS(floor.syscalls.cpu), fmtMiB(floor.syscalls.maxRss), '-']);
  rows.push(['node -e 0', fmtS(floor.node.seconds), fmtS(floor.node.cpu), fmtMiB(floor.node.maxRss), '-']);
}
if (real) rows.push(['cachectl prune (real)', fmtS(real.seconds), fmtS(real.cpu), fmtMiB(real.maxRss), real.removed]);
if (stateDir) rmSync(stateDir, { recursive: true, force: true });
console.log(`\n${entries} entries, ${(tree.bytes / 2 ** 20).toFixed(0)} MiB apparent, pruned to half (${half} B), ${values.cold ? 'cold' : 'warm'}${values.first ? ', first run (builds the index)' : stateDir ? ', warm index' : ', no index'}, ${info.date}, ${info.cpus} CPUs, node ${info.node}`);
console.log(table(rows));
console.log(`\ncachectl dry run / htcacheclean dry run: ${ht.timedOut ? `< ${fmtX(ratio)} (htcacheclean killed at ${timeout} s; it is at least ${(ht.seconds / dry.seconds).toFixed(0)}x slower)` : fmtX(ratio)}`);
console.log(`cachectl dry run: before ${drySum.before.entries} entries / ${drySum.before.bytes} B -> after ${drySum.after.entries} / ${drySum.after.bytes} B, target met: ${drySum.targetMet}`);
if (floor) console.log(`htcacheclean dry run / syscall floor: ${fmtX(ht.seconds / floor.syscalls.seconds)}; cachectl beyond the floor and node's start-up: ${fmtS(dry.seconds - floor.syscalls.seconds - floor.node.seconds)} s wall, ${fmtS(dry.cpu - floor.syscalls.cpu - floor.node.cpu)} s CPU`);
// What issue #17's 15x would leave for all of cachectl's own work, beside what the floor already takes of the CPUs.
if (floor && !ht.timedOut) console.log(`15x htcacheclean = ${fmtS(ht.seconds / 15)} s: ${fmtS(ht.seconds / 15 - floor.syscalls.seconds - floor.node.seconds)} s beyond the floor and node's start-up, while the floor keeps the ${info.cpus} CPUs ${(100 * floor.syscalls.cpu / floor.syscalls.seconds / info.cpus).toFixed(0)}% busy`);
if (real) console.log(`real prune: removed ${real.removed} entries in ${fmtS(real.seconds)} s (scan ${(real.scanMs / 1000).toFixed(1)} s, first deletion at ${((real.firstDeletionMs ?? 0) / 1000).toFixed(1)} s), after ${real.after.bytes} B, target met: ${real.targetMet}`);
if (values.json) {
  writeFileSync(values.json, JSON.stringify({
    machine: info, entries, bytes: tree.bytes, limit: half, mode: values.cold ? 'cold' : 'warm',
    cachectlDryRun: { seconds: dry.seconds, cpu: dry.cpu, maxRss: dry.maxRss, ...drySum },
    htcacheclean: { seconds: ht.seconds, cpu: ht.cpu, timedOut: ht.timedOut, timeout, deleted: htDeleted },
    ratio, real, floor: floor && { syscalls: { seconds: floor.syscalls.seconds, cpu: floor.syscalls.cpu }, node: { seconds: floor.node.seconds, cpu: floor.node.cpu } },
  }, null, 2) + '\n');
}
