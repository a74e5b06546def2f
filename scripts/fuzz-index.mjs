#!/usr/bin/env node
// Runs the index model test (test/model) with many histories: 10k by default.
//   npm run fuzz:index                     10,000 histories; on failure vitest prints
//                                          fast-check's seed, path and shrunk history
//   npm run fuzz:index -- 2000             another count
//   npm run fuzz:index -- --seed S --path P --replay R
//                                          replay one failure: seed and path as fast-check
//                                          printed them, R from its /*replayPath="R"*/
//   npm run fuzz:index -- --survey         do not stop at the first divergence: count them
//                                          all by kind, with the shortest history of each
//   CACHECTL_FUZZ_SKIP=chmod,setTimes      leave commands out (to look past a known bug)
import { spawnSync } from 'node:child_process';

const args = process.argv.slice(2);
// Longer histories than the default test's 4 commands: what needs a log read, a run and a
// change after it (say) is found more often.
const env = { ...process.env, CACHECTL_FUZZ_RUNS: process.env.CACHECTL_FUZZ_RUNS ?? '10000', CACHECTL_FUZZ_COMMANDS: process.env.CACHECTL_FUZZ_COMMANDS ?? '8' };
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--seed') env.CACHECTL_FUZZ_SEED = args[++i];
  else if (a === '--path') env.CACHECTL_FUZZ_PATH = args[++i];
  else if (a === '--replay') env.CACHECTL_FUZZ_REPLAY_PATH = args[++i];
  else if (a === '--survey') env.CACHECTL_FUZZ_SURVEY = '1';
  else if (a === '--profile') env.CACHECTL_FUZZ_PROFILE = '1';
  else if (/^\d+$/.test(a)) env.CACHECTL_FUZZ_RUNS = a;
  else {
    console.error(`fuzz-index: unknown argument ${a}`);
    process.exit(2);
  }
}
console.log(`fuzz-index: ${env.CACHECTL_FUZZ_SEED ? `replaying seed ${env.CACHECTL_FUZZ_SEED}` : `${env.CACHECTL_FUZZ_RUNS} histories`}`);
const r = spawnSync('npx', ['vitest', 'run', 'test/model'], { stdio: 'inherit', env });
process.exit(r.status ?? 1);
