#!/usr/bin/env node
// Two builds of cachectl, interleaved on one generated tree: the same commands, A then B
// then A..., so machine noise falls on both alike. For before/after figures of a change.
//
//   node bench/ab-index.mjs --a /path/to/old/checkout --b . [--entries N] [--rounds R]
//
// Per build, with a state dir of its own: the index build (`report --full`), then R rounds of
//   full     `report --no-index`                 (a full scan)
//   quiet    `report --state-dir S`              (nothing changed since the index)
//   prune    `prune --dry-run --usage apparent --state-dir S --limit HALF`
// It prints medians of wall time, CPU time and peak RSS, and B/A ratios.
import { mkdtempSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { ensureTree } from './gen-tree.mjs';
import { fmtMiB, fmtS, fmtX, median, parseArgs, runMeasured, table } from './lib.mjs';

const { values } = parseArgs({
  options: { a: { type: 'string' }, b: { type: 'string', default: '.' }, entries: { type: 'string', default: '500000' }, rounds: { type: 'string', default: '5' } },
});
if (!values.a) throw new Error('--a DIR (a checkout with its build) is required');
const builds = { A: resolve(values.a), B: resolve(values.b) };
const { root } = ensureTree({ entries: Number(values.entries) });
const state = Object.fromEntries(Object.keys(builds).map((k) => [k, mkdtempSync(join(tmpdir(), `cachectl-ab-${k}-`))]));
const run = (k, ...args) => runMeasured(process.execPath, [join(builds[k], 'bin/cachectl.js'), ...args], { captureStdout: true });

const before = JSON.parse((await run('B', 'report', '--json', '--no-index', root)).stdout);
const half = String(Math.floor(before.bytes / 2));
const steps = {
  full: () => ['report', '--json', '--no-index', root],
  quiet: (k) => ['report', '--json', '--state-dir', state[k], root],
  prune: (k) => ['prune', '--dry-run', '--json', '--usage', 'apparent', '--state-dir', state[k], '--limit', half, root],
};
for (const k of Object.keys(builds)) await run(k, 'report', '--json', '--full', '--state-dir', state[k], root);

const results = {};
for (let r = 0; r < Number(values.rounds); r++) {
  const order = r % 2 === 0 ? ['A', 'B'] : ['B', 'A'];
  for (const step of Object.keys(steps)) {
    for (const k of order) {
      const m = await run(k, ...steps[step](k));
      if (m.code !== 0 && m.code !== 4) throw new Error(`${k} ${step} exited ${m.code}: ${m.stderr}`);
      ((results[step] ??= {})[k] ??= []).push(m);
    }
  }
}

const rows = [['step', 'A wall', 'B wall', 'B/A', 'A cpu', 'B cpu', 'A rss', 'B rss']];
for (const [step, byBuild] of Object.entries(results)) {
  const med = (k, f) => median(byBuild[k].map(f));
  const wa = med('A', (m) => m.seconds), wb = med('B', (m) => m.seconds);
  rows.push([step, fmtS(wa), fmtS(wb), fmtX(wb / wa), fmtS(med('A', (m) => m.cpu)), fmtS(med('B', (m) => m.cpu)), fmtMiB(med('A', (m) => m.maxRss)), fmtMiB(med('B', (m) => m.maxRss))]);
}
console.log(`${values.entries} entries, ${values.rounds} rounds interleaved; A = ${builds.A}, B = ${builds.B}`);
console.log(table(rows));
for (const s of Object.values(state)) rmSync(s, { recursive: true, force: true });
