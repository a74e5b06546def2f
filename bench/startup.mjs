// Start-up time of `cachectl --version` (or other arguments): several builds, interleaved
// so that load on a shared machine hits them alike. Median and minimum wall time.
//   node bench/startup.mjs [--runs 40] LABEL=path/to/bin.js ... [-- ARGS]
// e.g. before/after a change: a `git archive` of the old commit built in /tmp/base.
import { spawnSync } from 'node:child_process';

const argv = process.argv.slice(2);
let runs = 40;
const bins = [];
let args = ['--version'];
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--runs') runs = Number(argv[++i]);
  else if (argv[i] === '--') { args = argv.slice(i + 1); break; }
  else bins.push(argv[i].split('='));
}
const times = new Map(bins.map(([label]) => [label, []]));
for (let r = 0; r < runs; r++) {
  for (const [label, bin] of bins) {
    const t = process.hrtime.bigint();
    const p = spawnSync(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    if (p.status !== 0) throw new Error(`${label}: exit ${p.status}: ${p.stderr}`);
    times.get(label).push(Number(process.hrtime.bigint() - t) / 1e6);
  }
}
for (const [label, t] of times) {
  t.sort((a, b) => a - b);
  console.log(`${label.padEnd(12)} median ${t[t.length >> 1].toFixed(1)} ms  min ${t[0].toFixed(1)} ms  (${runs} runs of ${args.join(' ')})`);
}
