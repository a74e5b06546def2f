#!/usr/bin/env node
// Demonstrates why cachectl does not use fast-glob with `stats: true`: one file that
// vanishes between readdir and lstat (httpd renames and deletes all the time) makes
// @nodelib/fs.scandir fail the whole directory, and fs.walk skips it silently: its
// other files and every subdirectory disappear from the result.
//
//   npx tsc -p . && node bench/fast-glob-drop.mjs      (exit 0 = the defect and our immunity shown)
//
// Same tree, same single vanishing file (a/f2, deleted for real at its lstat):
//   fast-glob stats: true           -> loses a/f1, a/f3 and a/sub/* as well
//   fast-glob names only + lstat    -> loses only a/f2
//   cachectl's walker (dist)        -> loses only a/f2, and counts it as vanished
import fs, { mkdtempSync, mkdirSync, writeFileSync, rmSync, unlinkSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fg from 'fast-glob';

const FILES = ['a/f1', 'a/f2', 'a/f3', 'a/sub/s1', 'a/sub/s2', 'b/g1'];

function makeTree() {
  const root = mkdtempSync(join(tmpdir(), 'fg-drop-'));
  for (const f of FILES) {
    mkdirSync(join(root, f, '..'), { recursive: true });
    writeFileSync(join(root, f), f);
  }
  return root;
}

/** An fs.lstat that deletes `victim` just before looking at it: the race, made certain. */
function vanishingLstat(victim) {
  const real = fs.lstat;
  return (path, ...rest) => {
    if (String(path).endsWith(victim)) { try { unlinkSync(path); } catch { /* already gone */ } }
    return real(path, ...rest);
  };
}

const sorted = (xs) => [...xs].sort();
const lost = (found) => FILES.filter((f) => !found.includes(f));
const results = {};

// 1. fast-glob, stats: true (fs injected the way its `fs` option documents).
{
  const root = makeTree();
  const found = (await fg('**', { cwd: root, dot: true, stats: true, followSymbolicLinks: false, unique: false, fs: { lstat: vanishingLstat('a/f2') } })).map((e) => e.path);
  results['fast-glob stats: true'] = sorted(found);
  rmSync(root, { recursive: true, force: true });
}

// 2. fast-glob, names only, then our own lstat per name (ENOENT = vanished, nothing else lost).
{
  const root = makeTree();
  const names = await fg('**', { cwd: root, dot: true, followSymbolicLinks: false, unique: false });
  const lstat = vanishingLstat('a/f2');
  const found = [];
  await Promise.all(names.map((n) => new Promise((res) => lstat(join(root, n), (e) => { if (!e) found.push(n); res(); }))));
  results['fast-glob names only + lstat'] = sorted(found);
  rmSync(root, { recursive: true, force: true });
}

// 3. cachectl's walker: node:fs.lstat replaced for the duration (live ESM bindings).
{
  const root = makeTree();
  const real = fs.lstat;
  fs.lstat = vanishingLstat('a/f2');
  syncBuiltinESMExports();
  const { walkPortable } = await import('../dist/core/scan/walkPortable.js');
  const found = [];
  let vanished = 0;
  await walkPortable({
    root, rootStat: fs.lstatSync(root), onReused: () => {}, readHeaders: false, onError: (e) => { throw new Error(`${e.path}: ${e.code}`); }, onVanished: () => vanished++,
    onDir: (d) => { for (const f of d.files) found.push(d.rel === '' ? f.name : `${d.rel}/${f.name}`); },
  });
  fs.lstat = real;
  syncBuiltinESMExports();
  results[`cachectl walk (vanished=${vanished})`] = sorted(found);
  rmSync(root, { recursive: true, force: true });
}

let ok = true;
for (const [name, found] of Object.entries(results)) {
  const l = lost(found);
  console.log(`${name.padEnd(32)} found ${found.length}/${FILES.length}  lost: ${l.join(' ') || '-'}`);
}
const fgStatsLost = lost(results['fast-glob stats: true']);
if (!(fgStatsLost.length > 1 && fgStatsLost.includes('a/f1'))) { ok = false; console.log('expected fast-glob stats: true to lose the whole directory a/'); }
for (const [name, found] of Object.entries(results)) {
  if (name.startsWith('fast-glob stats')) continue;
  if (lost(found).join() !== 'a/f2') { ok = false; console.log(`${name}: expected to lose only a/f2`); }
}
console.log(ok ? '\nOK: stats mode drops the siblings and subdirectories of a vanished file; names-only and our walker lose just that file.' : '\nUNEXPECTED');
process.exit(ok ? 0 : 1);
