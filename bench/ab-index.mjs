#!/usr/bin/env node
// Builds of cachectl (checkouts with their build), interleaved on one generated tree: the
// same commands, build by build, the order rotated every round, so machine noise falls on
// all alike. For before/after figures of a change, or to A/B one piece of code against a
// build without it.
//
//   node bench/ab-index.mjs --build A=/path/to/old --build B=. [--entries N] [--rounds R] [--change N]
//   (--a DIR --b DIR is short for --build A=DIR --build B=DIR)
//
// Per build, with a state dir of its own: the index build (`report --full`), then R rounds of
//   full     `report --no-index`                 (a full scan)
//   build    `report --full --state-dir S`       (a full scan that writes the index)
//   quiet    `report --state-dir S`              (nothing changed since the index)
//   prune    `prune --dry-run --usage apparent --state-dir S --limit HALF`
//   changed  (--change N > 0) N headers rewritten as httpd does (temp file + rename) and N/4
//            entries deleted, once per round; then each build's `report --state-dir S`, each
//            seeing the same changes since its own last run
// It prints medians of wall time, CPU time and peak RSS, and each build's ratio to the first.
// --change modifies the tree: its marker is removed, the next bench regenerates it.
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { ensureTree, defaultTreeDir, invalidateTree } from './gen-tree.mjs';
import { fmtMiB, fmtS, fmtX, median, parseArgs, runMeasured, table } from './lib.mjs';

const { values } = parseArgs({
  options: {
    a: { type: 'string' }, b: { type: 'string' }, build: { type: 'string', multiple: true, default: [] },
    entries: { type: 'string', default: '500000' }, rounds: { type: 'string', default: '5' }, change: { type: 'string', default: '0' },
  },
});
const pairs = [...(values.a ? [`A=${values.a}`] : []), ...(values.b ? [`B=${values.b}`] : []), ...values.build];
if (pairs.length < 2) throw new Error('two builds or more: --build NAME=DIR (or --a DIR --b DIR)');
const builds = Object.fromEntries(pairs.map((p) => [p.slice(0, p.indexOf('=')), resolve(p.slice(p.indexOf('=') + 1))]));
const names = Object.keys(builds);
const entries = Number(values.entries);
const change = Number(values.change);
const { root } = ensureTree({ entries });
const state = Object.fromEntries(names.map((k) => [k, mkdtempSync(join(tmpdir(), `cachectl-ab-${k}-`))]));
const run = (k, ...args) => runMeasured(process.execPath, [join(builds[k], 'bin/cachectl.js'), ...args], { captureStdout: true });

const before = JSON.parse((await run(names[0], 'report', '--json', '--no-index', root)).stdout);
const half = String(Math.floor(before.bytes / 2));
const steps = {
  full: () => ['report', '--json', '--no-index', root],
  build: (k) => ['report', '--json', '--full', '--state-dir', state[k], root],
  quiet: (k) => ['report', '--json', '--state-dir', state[k], root],
  prune: (k) => ['prune', '--dry-run', '--json', '--usage', 'apparent', '--state-dir', state[k], '--limit', half, root],
  ...(change > 0 ? { changed: (k) => ['report', '--json', '--state-dir', state[k], root] } : {}),
};
for (const k of names) await run(k, 'report', '--json', '--full', '--state-dir', state[k], root);

/** Every header below the root's leaf directories (layout 2 x 1). */
function headers() {
  const out = [];
  for (const a of readdirSync(root)) {
    if (a.startsWith('.') || a.startsWith('aptmp')) continue;
    for (const b of readdirSync(join(root, a))) for (const n of readdirSync(join(root, a, b))) if (n.endsWith('.header')) out.push(join(root, a, b, n));
  }
  return out;
}

/** Rewrites `change` headers in place as httpd does and deletes change/4 entries, spread over the tree. */
function mutate(round) {
  const all = headers();
  const step = Math.max(1, Math.floor(all.length / (change + change / 4)));
  let rewritten = 0, deleted = 0, k = 0;
  for (let i = (round * 7) % step; i < all.length && rewritten + deleted < change + change / 4; i += step, k++) {
    const h = all[i];
    if (existsSync(`${h}.vary`)) continue;
    if (k % 5 === 4) {
      unlinkSync(h);
      rmSync(h.replace(/\.header$/, '.data'), { force: true });
      deleted++;
    } else {
      const tmp = join(root, `aptmpab${process.pid}`);
      writeFileSync(tmp, readFileSync(h), { mode: 0o600 });
      renameSync(tmp, h);
      rewritten++;
    }
  }
  return { rewritten, deleted };
}

if (change > 0) invalidateTree(defaultTreeDir(entries));
const results = {};
for (let r = 0; r < Number(values.rounds); r++) {
  const order = names.map((_, i) => names[(i + r) % names.length]);
  for (const step of Object.keys(steps)) {
    if (step === 'changed') console.error(`round ${r + 1}: ${JSON.stringify(mutate(r))}`);
    for (const k of order) {
      const m = await run(k, ...steps[step](k));
      if (m.code !== 0 && m.code !== 4) throw new Error(`${k} ${step} exited ${m.code}: ${m.stderr}`);
      ((results[step] ??= {})[k] ??= []).push(m);
    }
  }
}

const first = names[0];
const rows = [['step', ...names.flatMap((k) => [`${k} wall`, ...(k === first ? [] : [`${k}/${first}`]), `${k} cpu`, `${k} rss`])]];
for (const [step, byBuild] of Object.entries(results)) {
  const med = (k, f) => median(byBuild[k].map(f));
  rows.push([step, ...names.flatMap((k) => {
    const wall = med(k, (m) => m.seconds);
    return [fmtS(wall), ...(k === first ? [] : [fmtX(wall / med(first, (m) => m.seconds))]), fmtS(med(k, (m) => m.cpu)), fmtMiB(med(k, (m) => m.maxRss))];
  })]);
}
console.log(`${entries} entries, ${values.rounds} rounds interleaved${change > 0 ? `, --change ${change}` : ''}; ${names.map((k) => `${k} = ${builds[k]}`).join(', ')}`);
console.log(table(rows));
for (const s of Object.values(state)) rmSync(s, { recursive: true, force: true });
