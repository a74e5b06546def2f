#!/usr/bin/env node
// Times the persisted index (issue 8) on one generated tree, in one run:
//   1. full scan: `cachectl report --no-index` vs `find -printf` vs `htcacheclean -D -v` (limit 2x cache);
//   2. index build: `report --state-dir S --full` (timed, warm page cache);
//   3. nothing changed, recency from file times: `report --state-dir S`      (target <= 25% of 1);
//   4. nothing changed, recency from an access log: `report --state-dir S --access-log F`, primed once
//      with the same log                                                     (target <= 5% of 1);
//   5. after 1% of the entries changed (headers rewritten via temp name + rename, as httpd does,
//      0.3% deleted, 0.2% added): `report --state-dir S`                     (target <= 30% of 1),
//      and its totals must equal a `--no-index` full scan of the same tree;
//   6. peak RSS per entry of the full scan and of the indexed re-run;
//   7. warm index, `prune --limit <cache - 64 KiB>` (a few entries go): total wall time (target <= 2 s)
//      and the `scanMs` of its JSON;
//   8. (--half) `prune --usage apparent --dry-run --json --state-dir S --limit HALF` vs
//      `htcacheclean -D -p DIR -l HALF` killed after --htcacheclean-timeout s.
//
//   npx tsc -p . && node bench/index-bench.mjs [--entries N] [--cold] [--runs R] [--half] [--json FILE]
//
// Options:
//   --entries N        entries in the generated tree (default 200000)
//   --dir PATH         where the tree lives (default /work/bench-trees/cachectl-N)
//   --cold             drop the page cache before every timed command (root)
//   --runs R           timed runs per command (default 2; the median is reported)
//   --half             also run step 8 (slow: htcacheclean is killed after the timeout)
//   --htcacheclean-timeout S   for step 8 (default 300)
//   --idle P           wait until the CPUs are < P busy before each timed command (default 0.15)
//   --idle-wait S      ... but for at most S seconds (default 20: the box is shared)
//   --json FILE        also write the results as JSON
//
// The tree is modified by step 5 and 7, so its marker is invalidated at the end (the next
// bench run regenerates it). The state dir is a private mktemp, removed at the end.
import {
  closeSync, fstatSync, futimesSync, mkdtempSync, openSync, readdirSync, readFileSync, renameSync, rmSync,
  unlinkSync, writeFileSync, writeSync, existsSync,
} from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join, resolve } from 'node:path';
import { tmpdir, loadavg } from 'node:os';
import { ensureTree, defaultTreeDir, invalidateTree } from './gen-tree.mjs';
import { requireTools, dropCaches, runMeasured, median, table, fmtS, fmtX, fmtMiB, machine, parseArgs, waitIdle, HTCACHECLEAN, treeOptions } from './lib.mjs';
import { encodeEntryHeader } from '../dist/core/sample/encode.js';
import { hashKey, splitHash } from '../dist/core/format/key.js';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(repo, 'bin/cachectl.js');
const { values } = parseArgs({
  options: {
    ...treeOptions({ entries: 200000, runs: 2 }),
    half: { type: 'boolean', default: false },
    'htcacheclean-timeout': { type: 'string', default: '300' },
    idle: { type: 'string', default: '0.15' },
    'idle-wait': { type: 'string', default: '20' },
    json: { type: 'string' },
  },
});
const entries = Number(values.entries);
const runs = Number(values.runs);
const cold = values.cold;
requireTools();
if (cold) dropCaches();

const T0 = Date.now();
const log = (m) => console.error(`[${((Date.now() - T0) / 1000).toFixed(0).padStart(4)} s, load ${loadavg()[0].toFixed(1)}] ${m}`);
const treeDir = values.dir ?? defaultTreeDir(entries);
const tree = ensureTree({ entries, dir: treeDir, log });
const root = tree.root;
const stateDir = mkdtempSync(join(tmpdir(), 'cachectl-index-bench-state-'));
const logDir = mkdtempSync(join(tmpdir(), 'cachectl-index-bench-log-'));
const loads = [];

async function timed(name, cmd, args, { capture = false, timeoutSeconds, allowFail = false, isTimed = true } = {}) {
  const busy = isTimed ? await waitIdle({ threshold: Number(values.idle), maxSeconds: Number(values['idle-wait']) }) : 0;
  if (cold && isTimed) dropCaches();
  const la = loadavg()[0];
  loads.push(la);
  const r = await runMeasured(cmd, args, { captureStdout: capture, timeoutSeconds });
  if (r.code !== 0 && !allowFail && !r.timedOut) throw new Error(`${name} exited ${r.code}${r.signal ? ` (${r.signal})` : ''}:\n${r.stderr.slice(-2000)}`);
  log(`${name.padEnd(22)} ${r.timedOut ? `> ${timeoutSeconds}` : fmtS(r.seconds)} s  CPU ${fmtS(r.cpu)} s  ${fmtMiB(r.maxRss)}  (CPU ${(busy * 100).toFixed(0)}% busy before, load ${la.toFixed(1)})`);
  return { ...r, busy, load: la };
}
const cachectl = (...a) => [CLI, ...a];
const report = (...a) => cachectl('report', '--format', 'apache', '--json', ...a, root);
const totals = (r) => { const j = JSON.parse(r.stdout); return { entries: j.entries, bytes: j.bytes, diskBytes: j.diskBytes, files: j.files, scanMs: j.scanMs }; };

const R = {}; // step -> list of results
const push = (k, r) => (R[k] ??= []).push(r);
const med = (k) => median((R[k] ?? []).map((r) => r.seconds));
const cpuMed = (k) => median((R[k] ?? []).map((r) => r.cpu));
const rssMax = (k) => Math.max(...(R[k] ?? []).map((r) => r.maxRss));

const info = machine();
log(`index-bench: ${entries} entries (${tree.files} files), ${cold ? 'cold' : 'warm'}, ${runs} run(s), ${info.cpus} CPUs, node ${info.node}, state ${stateDir}`);

// 1. Full scans, interleaved (one untimed warm-up of each when warm).
const htcLimit = `${Math.ceil((tree.bytes * 2) / 1024)}K`;
const full = { cmd: process.execPath, args: report('--no-index') };
const find = { cmd: 'find', args: [root, '-printf', '%s %A@ %p\n'] };
const htc = { cmd: HTCACHECLEAN, args: ['-D', '-v', '-p', root, '-l', htcLimit] };
if (!cold) {
  log('warm-up (untimed)');
  await timed('warm-up cachectl', full.cmd, full.args, { isTimed: false });
  await timed('warm-up find', find.cmd, find.args, { isTimed: false });
  await timed('warm-up htcacheclean', htc.cmd, htc.args, { isTimed: false });
}
let fullTotals;
for (let i = 0; i < runs; i++) {
  const r = await timed('1 full --no-index', full.cmd, full.args, { capture: true });
  fullTotals = totals(r);
  if (fullTotals.entries !== tree.entries) throw new Error(`cachectl saw ${fullTotals.entries} entries, expected ${tree.entries}`);
  push('full', r);
  push('find', await timed('1 find', find.cmd, find.args));
  const h = await timed('1 htcacheclean', htc.cmd, htc.args);
  const m = /total entries was (\d+)/.exec(h.stderr);
  if (!m || Number(m[1]) !== tree.entries) throw new Error(`htcacheclean: unexpected output:\n${h.stderr}`);
  push('htc', h);
}

// 2. Index build (timed).
push('build', await timed('2 build --full', process.execPath, report('--state-dir', stateDir, '--full'), { capture: true }));

// 3. Nothing changed, recency from file times.
for (let i = 0; i < runs; i++) {
  const r = await timed('3 indexed', process.execPath, report('--state-dir', stateDir), { capture: true });
  const t = totals(r);
  if (t.entries !== fullTotals.entries || t.bytes !== fullTotals.bytes) throw new Error(`indexed report differs: ${JSON.stringify(t)} vs ${JSON.stringify(fullTotals)}`);
  push('idx', r);
}
// Whether the index was really used: a prune --dry-run with a limit above the cache (disk usage,
// the default --usage) plans nothing and prints the index counters.
const probeLimit = String(fullTotals.diskBytes * 2);
const probe = await timed('3 probe (prune -D)', process.execPath, cachectl('prune', '--format', 'apache', '--json', '--dry-run', '--state-dir', stateDir, '--limit', probeLimit, root), { capture: true, isTimed: false });
const probeIndex = JSON.parse(probe.stdout).index;
log(`  index: ${JSON.stringify(probeIndex)}`);

// 4. Nothing changed, recency from an access log (a small one, primed once).
const accessLog = join(logDir, 'access_log');
{
  const lines = [];
  for (let i = 1; i <= 50; i++) {
    lines.push(`127.0.0.1 - - [25/Nov/2026:03:00:${String(i % 60).padStart(2, '0')} +0000] "GET /gentoo-distfiles/distfiles/pkg-${i}.tar.${i % 3 ? 'xz' : 'gz'} HTTP/1.1" 200 10`);
  }
  writeFileSync(accessLog, lines.join('\n') + '\n');
}
await timed('4 prime --access-log', process.execPath, report('--access-log', accessLog, '--state-dir', stateDir), { capture: true, isTimed: false });
for (let i = 0; i < runs; i++) {
  const r = await timed('4 indexed --access-log', process.execPath, report('--access-log', accessLog, '--state-dir', stateDir), { capture: true });
  push('log', r);
}

// 5. 1% of the entries change, then an indexed re-run must equal a full scan.
const leafDirs = [];
for (const a of readdirSync(root)) {
  if (a.startsWith('.')) continue;
  for (const b of readdirSync(join(root, a))) leafDirs.push(join(root, a, b));
}
let seq = 0;
const newKeyBase = 1_000_000_000;
const bodyPool = Buffer.alloc(4096, 0x5a);
function writeNewEntry(n) {
  const key = `http://distfiles.local:80/gentoo-distfiles/distfiles/pkg-${newKeyBase + n}.tar.xz?`;
  const { dirs, stem } = splitHash(hashKey(key), tree.layout);
  const base = join(root, ...dirs, stem);
  const now = Date.now();
  const tmpData = join(root, ...dirs, `aptmpD${n}`);
  const fd = openSync(tmpData, 'wx', 0o600);
  writeSync(fd, bodyPool, 0, 1000);
  const st = fstatSync(fd, { bigint: true });
  closeSync(fd);
  const us = now * 1000;
  const header = encodeEntryHeader({
    key, date: Math.floor(now / 1000) * 1_000_000, expire: us + 365 * 86400e6, requestTime: us - 1500, responseTime: us,
    inode: st.ino, device: st.dev, hasBody: true, headerOnly: false,
    responseHeaders: { Date: new Date(now).toUTCString(), 'Content-Length': '1000', 'Content-Type': 'application/x-xz' },
    requestHeaders: { Host: 'distfiles.local', Accept: '*/*' },
  });
  const tmpHdr = join(root, ...dirs, `aptmpH${n}`);
  writeFileSync(tmpHdr, header, { mode: 0o600 });
  renameSync(tmpData, `${base}.data`);
  renameSync(tmpHdr, `${base}.header`);
}
/** Rewrites ~1% of headers (temp name + rename), deletes ~0.3% of plain entries, adds ~0.2% new. */
function mutate(round) {
  const t0 = performance.now();
  let rewritten = 0, deleted = 0, added = 0;
  const want = Math.round(entries * 0.01), wantDel = Math.round(entries * 0.003), wantAdd = Math.round(entries * 0.002);
  // Spread: every k-th plain header across all leaf directories, offset by round.
  const plain = [];
  for (const d of leafDirs) {
    for (const n of readdirSync(d)) if (n.endsWith('.header')) plain.push(join(d, n));
  }
  const step = Math.max(1, Math.floor(plain.length / (want + wantDel)));
  let k = 0;
  for (let i = (round * 7) % step; i < plain.length && (rewritten < want || deleted < wantDel); i += step, k++) {
    const h = plain[i];
    if (!existsSync(h)) continue;
    if (k % 4 === 3 && deleted < wantDel && !existsSync(`${h}.vary`)) {
      unlinkSync(h);
      rmSync(h.replace(/\.header$/, '.data'), { force: true });
      deleted++;
    } else if (rewritten < want) {
      const buf = readFileSync(h);
      const tmp = join(dirname(h), `aptmp${process.pid}-${seq++}`);
      writeFileSync(tmp, buf, { mode: 0o600 });
      renameSync(tmp, h);
      rewritten++;
    }
  }
  for (let i = 0; i < wantAdd; i++) { writeNewEntry(round * 1_000_000 + i); added++; }
  log(`  mutate round ${round}: ${rewritten} headers rewritten, ${deleted} entries deleted, ${added} added (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  return { rewritten, deleted, added };
}
invalidateTree(treeDir);
const equality = [];
const mutations = [];
for (let i = 0; i < runs; i++) {
  mutations.push(mutate(i));
  const r = await timed('5 indexed after 1%', process.execPath, report('--state-dir', stateDir), { capture: true });
  push('chg', r);
  const f = await timed('5 check --no-index', full.cmd, full.args, { capture: true });
  push('chgFull', f);
  const a = totals(r), b = totals(f);
  const same = ['entries', 'bytes', 'diskBytes', 'files'].every((k) => a[k] === b[k]);
  equality.push({ indexed: a, full: b, same });
  log(`  indexed ${JSON.stringify(a)}\n  full    ${JSON.stringify(b)}  -> ${same ? 'EQUAL' : 'DIFFERENT'}`);
}
const probe2 = await timed('5 probe (prune -D)', process.execPath, cachectl('prune', '--format', 'apache', '--json', '--dry-run', '--state-dir', stateDir, '--limit', probeLimit, root), { capture: true, isTimed: false });
log(`  index after: ${JSON.stringify(JSON.parse(probe2.stdout).index)}`);

// 7. Warm index, prune a few entries (real deletion).
const pruneRes = [];
let disk = equality.at(-1).full.diskBytes;
for (let i = 0; i < runs; i++) {
  const limit = disk - 64 * 1024;
  const r = await timed('7 prune (a few go)', process.execPath, cachectl('prune', '--format', 'apache', '--json', '--state-dir', stateDir, '--limit', String(limit), root), { capture: true, allowFail: true });
  const j = JSON.parse(r.stdout);
  // From process start to the first unlink: the wall time less what came after it (the
  // rest of the deletions, the index save, the summary): an upper bound.
  const firstFromStart = r.seconds - (j.durationMs - j.firstDeletionMs) / 1000;
  pruneRes.push({ seconds: r.seconds, firstFromStart, scanMs: j.scanMs, firstDeletionMs: j.firstDeletionMs, durationMs: j.durationMs, removed: j.removed.entries, index: j.index, targetMet: j.targetMet, code: r.code });
  log(`  prune: removed ${j.removed.entries}, scanMs ${j.scanMs}, firstDeletionMs ${j.firstDeletionMs}, durationMs ${j.durationMs}, index ${JSON.stringify(j.index)}`);
  push('prune', r);
  disk = j.after.bytes;
}

// 8. Optional: half-cache dry run vs htcacheclean.
let half = null;
if (values.half) {
  const cur = totals(await timed('8 re-index', process.execPath, report('--state-dir', stateDir), { capture: true, isTimed: false }));
  const limit = Math.floor(cur.bytes / 2);
  const c = await timed('8 prune -D half', process.execPath, cachectl('prune', '--format', 'apache', '--usage', 'apparent', '--dry-run', '--json', '--state-dir', stateDir, '--limit', String(limit), root), { capture: true });
  const j = JSON.parse(c.stdout);
  const tmo = Number(values['htcacheclean-timeout']);
  const h = await timed('8 htcacheclean -D half', HTCACHECLEAN, ['-D', '-p', root, '-l', `${Math.floor(limit / 1024)}K`], { timeoutSeconds: tmo, allowFail: true });
  half = { limit, cachectl: { seconds: c.seconds, cpu: c.cpu, maxRss: c.maxRss, scanMs: j.scanMs, removed: j.removed.entries, index: j.index }, htcacheclean: { seconds: h.seconds, timedOut: h.timedOut, timeout: tmo } };
  R.half = [c];
  R.halfHtc = [h];
}

rmSync(stateDir, { recursive: true, force: true });
rmSync(logDir, { recursive: true, force: true });

// Table.
const fullS = med('full');
const verdict = (x, t) => (x <= t ? 'met' : 'MISSED');
const row = (label, k, ratio, target) => [label, fmtS(med(k)), (R[k] ?? []).map((r) => fmtS(r.seconds)).join(' '), fmtS(cpuMed(k)), fmtMiB(rssMax(k)),
  ratio === undefined ? '' : `${(ratio * 100).toFixed(1)}%`, target === undefined ? '' : `<= ${(target * 100).toFixed(0)}%`, target === undefined ? '' : verdict(ratio, target)];
const rows = [['step', 'median s', 'runs s', 'CPU s', 'peak RSS', 'vs full scan', 'target', 'verdict']];
rows.push(row('1 cachectl full scan (--no-index)', 'full', 1));
rows.push(row('1 find -printf', 'find', med('find') / fullS));
rows.push(row('1 htcacheclean -D -v', 'htc', med('htc') / fullS));
rows.push(row('2 index build (--full, timed)', 'build', med('build') / fullS));
rows.push(row('3 indexed, nothing changed', 'idx', med('idx') / fullS, 0.25));
rows.push(row('4 indexed + access log, nothing changed', 'log', med('log') / fullS, 0.05));
rows.push(row('5 indexed after 1% changed', 'chg', med('chg') / fullS, 0.30));
rows.push(row('5 full scan of the changed tree', 'chgFull', med('chgFull') / fullS));
const pruneMed = med('prune');
rows.push(['7 prune, warm index, a few go (total)', fmtS(pruneMed), (R.prune ?? []).map((r) => fmtS(r.seconds)).join(' '), fmtS(cpuMed('prune')), fmtMiB(rssMax('prune')),
  `${(pruneMed / fullS * 100).toFixed(1)}%`, '', '']);
// The issue's target: from start to the first deletion.
const firstMed = median(pruneRes.map((p) => p.firstFromStart));
rows.push(['7 ... process start to first deletion', fmtS(firstMed), pruneRes.map((p) => fmtS(p.firstFromStart)).join(' '), '', '', '', '<= 2 s', firstMed <= 2 ? 'met' : 'MISSED']);
if (half) {
  rows.push(['8 prune -D --usage apparent to half', fmtS(half.cachectl.seconds), '', fmtS(half.cachectl.cpu), fmtMiB(half.cachectl.maxRss), '', '', '']);
  rows.push(['8 htcacheclean -D to half', half.htcacheclean.timedOut ? `> ${half.htcacheclean.timeout}` : fmtS(half.htcacheclean.seconds), '', '', '', '', '', '']);
}
const rssFull = rssMax('full'), rssIdx = rssMax('idx');
const loadStr = `load average during timed commands ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)} (median ${median(loads).toFixed(1)})`;
console.log(`\n${entries} entries (${tree.files} files), ${cold ? 'cold' : 'warm'}, median of ${runs}, ${info.date}, ${info.cpus} CPUs (${info.cpuModel}), node ${info.node}; ${loadStr}`);
console.log(table(rows));
console.log(`\nratios: full scan/find ${fmtX(fullS / med('find'))}, full scan/htcacheclean ${fmtX(fullS / med('htc'))}, indexed/htcacheclean ${fmtX(med('idx') / med('htc'))}`);
console.log(`peak RSS per entry: full scan ${(rssFull / entries).toFixed(0)} B, indexed re-run ${(rssIdx / entries).toFixed(0)} B, access-log re-run ${(rssMax('log') / entries).toFixed(0)} B`);
console.log(`index use (nothing changed): ${JSON.stringify(probeIndex)}`);
console.log(`step 5 equality with a full scan: ${equality.map((e) => (e.same ? 'equal' : 'DIFFERENT')).join(', ')}; mutations ${JSON.stringify(mutations)}`);
console.log(`step 7 prune: ${pruneRes.map((p) => `${fmtS(p.seconds)} s total, first deletion at ${fmtS(p.firstFromStart)} s from process start (${p.firstDeletionMs} ms from the call), scanMs ${p.scanMs}, durationMs ${p.durationMs}, removed ${p.removed}`).join('; ')}`);
if (half) console.log(`step 8: ${JSON.stringify(half)}`);
console.log(`total bench time ${((Date.now() - T0) / 1000).toFixed(0)} s`);
if (values.json) {
  writeFileSync(values.json, JSON.stringify({
    machine: info, entries, files: tree.files, mode: cold ? 'cold' : 'warm', runs, loads,
    seconds: Object.fromEntries(Object.entries(R).map(([k, v]) => [k, { median: med(k), all: v.map((r) => +r.seconds.toFixed(3)), cpu: v.map((r) => r.cpu), maxRss: v.map((r) => r.maxRss) }])),
    probeIndex, equality, mutations, prune: pruneRes, half, totalSeconds: (Date.now() - T0) / 1000,
  }, null, 2) + '\n');
}
