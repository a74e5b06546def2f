#!/usr/bin/env node
// The main thread's share of a first scan, alone: the native reader's answers (packs) for
// one walk of the tree are recorded once, then each build decodes, classifies and tables
// them in a fresh process (cold, as a first run is), with no syscalls in the timing. The
// builds take turns, round after round, so a busy host weighs on all of them alike.
//
//   npx tsc -p . && node bench/scan-replay.mjs [--entries N] [--rounds R] [DIST ...]
//
// DIST: tsc output directories inside this checkout (they load its native build), such as
// dist, or a copy of another commit's dist; default: dist. Prints, per build, the wall
// time's minimum and median and the CPU time's median (ms).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ensureTree, defaultTreeDir } from './gen-tree.mjs';
import { median, parseArgs, table } from './lib.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { entries: { type: 'string', default: '100000' }, rounds: { type: 'string', default: '10' }, child: { type: 'string' } },
});
const load = async (dist) => {
  const at = (p) => import(pathToFileURL(join(resolve(dist), p)).href);
  const [{ nativeState }, { nativeWalk }, { openRoot, scanTree }, abi] = await Promise.all([
    at('core/native/load.js'), at('core/scan/walkNative.js'), at('core/scan/scan.js'), at('core/native/abi.js'),
  ]);
  /** A readDirs request's key: its directories' paths (abi.h: REQUEST, then READ_ITEMs each followed by its path). */
  const keyOf = (req) => {
    const { REQUEST, READ_ITEM } = abi;
    const out = [];
    for (let k = 0, at = REQUEST.size, n = req.readUInt32LE(REQUEST.count); k < n; k++) {
      const len = req.readUInt32LE(at + READ_ITEM.pathLen);
      out.push(req.toString('utf8', at + READ_ITEM.size, at + READ_ITEM.size + len));
      at += (READ_ITEM.size + len + 7) & ~7;
    }
    return out.join('\0');
  };
  return { binding: nativeState().binding, nativeWalk, openRoot, scanTree, keyOf };
};

if (values.child) {
  // One cold replay: DIST ROOT PACKS.
  const [dist, root, packs] = JSON.parse(values.child);
  const { binding, nativeWalk, openRoot, scanTree, keyOf } = await load(dist);
  const recorded = new Map(JSON.parse(readFileSync(packs, 'utf8')).map(([k, v]) => [k, Buffer.from(v, 'base64')]));
  const replay = { ...binding, readDirs: (req, _h, _s, cb) => { const seg = recorded.get(keyOf(req)); setImmediate(() => cb(seg)); } };
  const target = await openRoot({ root, format: 'apache' });
  const u0 = process.cpuUsage();
  const t0 = performance.now();
  await scanTree(target, {}, { native: replay, walk: nativeWalk(replay), name: 'replay' });
  const cpu = process.cpuUsage(u0);
  console.log(JSON.stringify({ wall: performance.now() - t0, cpu: (cpu.user + cpu.system) / 1000 }));
} else {
  const dists = positionals.length ? positionals : [join(repo, 'dist')];
  const { root } = ensureTree({ entries: Number(values.entries), dir: defaultTreeDir(Number(values.entries)) });
  // Record: one real walk, every answer kept by its request (the request buffer is reused: keyed at the call).
  const { binding, nativeWalk, openRoot, scanTree, keyOf } = await load(dists[0]);
  const recorded = [];
  const recorder = { ...binding, readDirs: (req, h, s, cb) => { const key = keyOf(req); binding.readDirs(req, h, s, (seg) => { recorded.push([key, Buffer.from(seg).toString('base64')]); cb(seg); }); } };
  await scanTree(await openRoot({ root, format: 'apache' }), {}, { native: recorder, walk: nativeWalk(recorder), name: 'record' });
  const tmp = mkdtempSync(join(tmpdir(), 'cachectl-replay-'));
  const packs = join(tmp, 'packs.json');
  writeFileSync(packs, JSON.stringify(recorded));
  const runs = new Map(dists.map((d) => [d, []]));
  for (let r = 0; r < Number(values.rounds); r++) {
    for (const d of dists) {
      const p = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', JSON.stringify([d, root, packs])], { encoding: 'utf8' });
      if (p.status !== 0) throw new Error(`replay of ${d} failed:\n${p.stderr}`);
      runs.get(d).push(JSON.parse(p.stdout));
    }
  }
  rmSync(tmp, { recursive: true, force: true });
  const rows = [['build', 'wall min ms', 'wall median ms', 'CPU median ms']];
  for (const [d, rs] of runs) rows.push([d, Math.min(...rs.map((x) => x.wall)).toFixed(0), median(rs.map((x) => x.wall)).toFixed(0), median(rs.map((x) => x.cpu)).toFixed(0)]);
  console.log(`${values.entries} entries, ${values.rounds} rounds, builds in turn`);
  console.log(table(rows));
}
