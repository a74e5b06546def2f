#!/usr/bin/env node
// Gentoo-aware pruning (issue #19), measured in one run:
//   1. loading a synthetic ebuild repository the size of Gentoo's (20,000 Manifests,
//      70,000 DIST lines): the first load (no saved copy) and the cached load (the copy in
//      the state dir, still current by metadata/timestamp.chk); the same for a repository
//      without timestamp.chk (the directories stamp), for comparison;
//   2. `prune --dry-run` to half of an N-entry cache (default 500k), with `--repo` against
//      the same without, interleaved, both on a warm index (a daily cron run's state).
// Targets: first load <= 2 s, cached <= 0.2 s, prune with --repo <= 1.2x the one without.
//
//   npm run build && node bench/gentoo-bench.mjs [--entries N] [--runs R] [--dir PATH] [--repo PATH] [--json FILE]
//
// --dir: the cache tree (gen-tree.mjs; default /work/bench-trees/cachectl-N, shared with the
// other benchmarks); --repo: where the synthetic repository is written (and reused).
//
// The repository's DIST lines name cached entries (60,000 with their body's size, 1,000
// with a wrong one) and 9,000 distfiles not in the cache; the rest of the cache is named
// by no Manifest (retired or, if used within 30 days, unlisted), so the --repo run also
// sorts a large retired pass: more work than a real mirror's, not less.
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { spawnSync } from 'node:child_process';
import { ensureTree, defaultTreeDir } from './gen-tree.mjs';
import { fmtMiB, fmtS, fmtX, machine, median, parseArgs, runMeasured, table, waitIdle } from './lib.mjs';
import { hashKey, splitHash } from '../dist/core/format/key.js';
import { loadManifests } from '../dist/core/gentoo/loadManifests.js';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    entries: { type: 'string', default: '500000' },
    dir: { type: 'string' },
    runs: { type: 'string', default: '3' },
    repo: { type: 'string', default: '/work/bench-trees/gentoo-repo-20000' },
    cachectl: { type: 'string', default: join(here, '..', 'bin/cachectl.js') },
    json: { type: 'string' },
  },
});
const entries = Number(values.entries);
const runs = Number(values.runs);
const MANIFESTS = 20_000, DIST_LINES = 70_000, CATEGORIES = 170;
const REPO_VERSION = 1;
const HOST = 'http://distfiles.local:80';
const say = (m) => console.error(m);

// ---------------------------------------------------------------------------------------
// The synthetic repository

/** The body size of cached entry pkg-N (its .data), or null (a vary group or header-only). */
function cachedSize(root, n) {
  const key = `${HOST}/gentoo-distfiles/distfiles/pkg-${n}.${n % 3 ? 'tar.xz' : 'tar.gz'}?`;
  const { dirs, stem } = splitHash(hashKey(key), { levels: 2, length: 1 });
  try { return lstatSync(join(root, ...dirs, `${stem}.data`)).size; } catch { return null; }
}

function ensureRepo(dir, tree) {
  const markerPath = join(dir, '..', `${dir.split('/').pop()}.json`);
  let m = null;
  try { m = JSON.parse(readFileSync(markerPath, 'utf8')); } catch { /* none */ }
  if (m && m.version === REPO_VERSION && m.tree === tree.generatedAt && existsSync(dir)) { say(`reusing repository ${dir}`); return m; }
  say(`writing repository ${dir} (${MANIFESTS} Manifests, ${DIST_LINES} DIST lines)`);
  const t0 = performance.now();
  rmSync(dir, { recursive: true, force: true });
  const lines = [];
  const hashes = (name) => `BLAKE2B ${createHash('blake2b512').update(name).digest('hex')} SHA512 ${createHash('sha512').update(name).digest('hex')}`;
  let live = 0, wrong = 0;
  for (let n = 1; lines.length < 61_000 && n < 8 * entries; n += 7) {
    const size = cachedSize(tree.root, n);
    if (size === null) continue;
    const name = `pkg-${n}.${n % 3 ? 'tar.xz' : 'tar.gz'}`;
    const bad = lines.length % 61 === 60;
    lines.push(`DIST ${name} ${bad ? size + 1 : size} ${hashes(name)}`);
    if (bad) wrong++; else live++;
  }
  for (let k = 0; lines.length < DIST_LINES; k++) lines.push(`DIST other-${k}.tar.xz ${1000 + k} ${hashes(`other-${k}`)}`);
  const put = (rel, data) => { mkdirSync(dirname(join(dir, rel)), { recursive: true }); writeFileSync(join(dir, rel), data); };
  put('profiles/repo_name', 'gentoo\n');
  for (const p of ['default/linux/amd64/23.0/desktop/gnome/systemd', 'default/linux/arm64/23.0/split-usr', 'arch/amd64/no-multilib']) put(`profiles/${p}/make.defaults`, 'USE=""\n');
  put('metadata/layout.conf', 'masters = \nthin-manifests = true\n');
  put('metadata/timestamp.chk', 'Mon, 01 Jan 2024 00:00:00 +0000\n');
  put('metadata/Manifest.gz', gzipSync('TIMESTAMP 2024-01-01T00:00:00Z\n'));
  let at = 0;
  for (let k = 0; k < MANIFESTS; k++) {
    const cat = `cat-${k % CATEGORIES}`, pkg = `pkg${k}`;
    const count = k === MANIFESTS - 1 ? lines.length - at : (k % 6) + 1;
    const mine = lines.slice(at, at + count);
    at += count;
    const ebuilds = 1 + (k % 3);
    for (let e = 0; e < ebuilds; e++) put(`${cat}/${pkg}/${pkg}-${e + 1}.ebuild`, `EAPI=8\nSRC_URI="mirror://gentoo/x"\n`);
    put(`${cat}/${pkg}/metadata.xml`, '<pkgmetadata/>\n');
    if (k % 3 === 0) { put(`${cat}/${pkg}/files/${pkg}-fix.patch`, '--- a\n+++ b\n'); put(`${cat}/${pkg}/files/${pkg}-2.patch`, '--- a\n+++ b\n'); }
    // 5% thick Manifests, as overlays have.
    if (k % 20 === 0) mine.push(`EBUILD ${pkg}-1.ebuild 40 ${hashes(pkg)}`, `MISC metadata.xml 15 ${hashes('m')}`);
    put(`${cat}/${pkg}/Manifest`, mine.join('\n') + '\n');
    put(`metadata/md5-cache/${cat}/${pkg}-1`, 'EAPI=8\n');
    if (k < CATEGORIES) put(`${cat}/Manifest.gz`, gzipSync('MANIFEST x 1\n'));
  }
  m = { version: REPO_VERSION, tree: tree.generatedAt, manifests: MANIFESTS, distLines: lines.length, live, wrong, seconds: Math.round((performance.now() - t0) / 100) / 10 };
  writeFileSync(markerPath, JSON.stringify(m, null, 2) + '\n');
  say(`  done in ${m.seconds} s (${live} live, ${wrong} wrong-size, ${lines.length - live - wrong} not cached)`);
  return m;
}

// ---------------------------------------------------------------------------------------
// 1. Loading

async function timeLoads(repo, label) {
  const first = [], cached = [];
  let set = null;
  for (let r = 0; r < runs; r++) {
    const state = mkdtempSync(join(tmpdir(), 'cachectl-gentoo-bench-'));
    await waitIdle({ log: say });
    let t0 = performance.now();
    set = await loadManifests({ repos: [repo], stateDir: state });
    first.push((performance.now() - t0) / 1000);
    if (set.repos[0].cached) throw new Error('the first load found a saved copy');
    for (let c = 0; c < 2; c++) {
      t0 = performance.now();
      const again = await loadManifests({ repos: [repo], stateDir: state });
      cached.push((performance.now() - t0) / 1000);
      if (!again.repos[0].cached) throw new Error('the cached load read the Manifests');
    }
    rmSync(state, { recursive: true, force: true });
  }
  say(`${label}: first ${first.map(fmtS).join(' ')} s, cached ${cached.map(fmtS).join(' ')} s`);
  return { first: median(first), cached: median(cached), manifests: set.repos[0].manifests, distLines: set.repos[0].distLines, names: set.sizes.names };
}

// ---------------------------------------------------------------------------------------
// 2. prune --dry-run with and without --repo

async function timePrunes(root, repo, limit) {
  const state = mkdtempSync(join(tmpdir(), 'cachectl-gentoo-bench-state-'));
  const base = [values.cachectl, 'prune', root, '--limit', String(limit), '--usage', 'apparent', '--format', 'apache', '--json', '--dry-run', '--state-dir', state];
  // Untimed: the index, and the Manifests' saved copy, as a daily run finds them.
  const warm = spawnSync(process.execPath, [values.cachectl, 'report', root, '--format', 'apache', '--json', '--state-dir', state, '--repo', repo], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (warm.status !== 0) throw new Error('could not build the index');
  const out = { plain: [], repo: [] };
  const summary = {};
  for (let r = 0; r < runs; r++) {
    for (const kind of r % 2 ? ['repo', 'plain'] : ['plain', 'repo']) {
      await waitIdle({ log: say });
      const args = kind === 'repo' ? [...base, '--repo', repo] : base;
      const m = await runMeasured(process.execPath, args, { captureStdout: true });
      if (m.code !== 0 && m.code !== 4) throw new Error(`prune exited ${m.code}: ${m.stderr.slice(-1000)}`);
      const j = JSON.parse(m.stdout);
      summary[kind] = { victims: j.plan.length, targetMet: j.targetMet, byReason: Object.fromEntries(Object.entries(j.removed.byReason).filter(([, v]) => v.entries > 0).map(([k, v]) => [k, v.entries])) };
      out[kind].push(m);
      say(`  prune ${kind === 'repo' ? 'with --repo' : 'without'}: ${fmtS(m.seconds)} s, CPU ${fmtS(m.cpu)} s, peak RSS ${fmtMiB(m.maxRss)}`);
    }
  }
  rmSync(state, { recursive: true, force: true });
  const med = (xs, k) => median(xs.map((x) => x[k]));
  return {
    plain: { seconds: med(out.plain, 'seconds'), cpu: med(out.plain, 'cpu'), maxRss: med(out.plain, 'maxRss'), ...summary.plain },
    repo: { seconds: med(out.repo, 'seconds'), cpu: med(out.repo, 'cpu'), maxRss: med(out.repo, 'maxRss'), ...summary.repo },
  };
}

// ---------------------------------------------------------------------------------------

const info = machine();
const tree = ensureTree({ entries, dir: values.dir ?? defaultTreeDir(entries) });
const repo = resolve(values.repo);
ensureRepo(repo, tree);
const withChk = await timeLoads(repo, 'load (timestamp.chk)');
const chk = join(repo, 'metadata/timestamp.chk');
renameSync(chk, `${chk}.off`);
let noChk;
try { noChk = await timeLoads(repo, 'load (directories stamp)'); } finally { renameSync(`${chk}.off`, chk); }
const half = Math.floor(tree.bytes / 2);
const prune = await timePrunes(tree.root, repo, half);

const ratio = prune.repo.seconds / prune.plain.seconds;
const cpuRatio = prune.repo.cpu / prune.plain.cpu;
console.log(`\nGentoo-aware pruning, ${info.date}, ${info.cpus} CPUs, node ${info.node}; medians of ${runs}, warm page cache`);
console.log(`repository: ${withChk.manifests} Manifests, ${withChk.distLines} DIST lines, ${withChk.names} names\n`);
console.log(table([
  ['load', 'first s', 'cached s', 'target'],
  ['timestamp.chk stamp', fmtS(withChk.first), fmtS(withChk.cached), `<= 2 s / <= 0.2 s: ${withChk.first <= 2 && withChk.cached <= 0.2 ? 'met' : 'MISSED'}`],
  ['directories stamp', fmtS(noChk.first), fmtS(noChk.cached), '(no timestamp.chk: for comparison)'],
]));
console.log(`\nprune --dry-run to half of ${entries} entries (${half} B apparent), warm index:\n`);
console.log(table([
  ['run', 'seconds', 'CPU s', 'peak RSS', 'victims', 'by reason'],
  ['without --repo', fmtS(prune.plain.seconds), fmtS(prune.plain.cpu), fmtMiB(prune.plain.maxRss), prune.plain.victims, JSON.stringify(prune.plain.byReason)],
  ['with --repo', fmtS(prune.repo.seconds), fmtS(prune.repo.cpu), fmtMiB(prune.repo.maxRss), prune.repo.victims, JSON.stringify(prune.repo.byReason)],
]));
console.log(`\nwith / without --repo: ${fmtX(ratio)} wall, ${fmtX(cpuRatio)} CPU (target <= 1.2x: ${ratio <= 1.2 ? 'met' : 'MISSED'})`);
if (values.json) writeFileSync(values.json, JSON.stringify({ machine: info, entries, runs, load: { timestampChk: withChk, directories: noChk }, prune, ratio, cpuRatio }, null, 2) + '\n');
