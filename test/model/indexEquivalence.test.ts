import { test } from 'vitest';
import fc from 'fast-check';
import { tempDir } from '../helpers/tmp.js';
import { History, disturbedHistories, historyProperty, READERS, SURVEY, survey, timings } from './cacheModel.js';

/**
 * Indexed runs must decide what --full runs decide, whatever happened to the tree in
 * between (cacheModel.ts). 500 histories of up to 4 commands: about 60-90 s on this
 * two-core machine, depending on what else runs (CACHECTL_FUZZ_PROFILE=1 prints where
 * the time goes). Environment:
 *   CACHECTL_FUZZ_RUNS      number of histories (npm run fuzz:index: 10k of up to 8 commands)
 *   CACHECTL_FUZZ_COMMANDS  most commands per history
 *   CACHECTL_FUZZ_SEED, CACHECTL_FUZZ_PATH, CACHECTL_FUZZ_REPLAY_PATH
 *                           replay a failure: seed and path from fast-check's report, the
 *                           replay path from the /*replayPath="..."*\/ after its counterexample
 *   CACHECTL_FUZZ_SKIP / CACHECTL_FUZZ_ONLY   command kinds to leave out / keep (commands.ts)
 *   CACHECTL_FUZZ_SURVEY=1  count every divergence by kind instead of failing on the first
 *   CACHECTL_FUZZ_NO_SHRINK=1  report the first failure as found
 */
const RUNS = Number(process.env.CACHECTL_FUZZ_RUNS ?? 500);
const MAX_COMMANDS = Number(process.env.CACHECTL_FUZZ_COMMANDS ?? 4);
const seed = process.env.CACHECTL_FUZZ_SEED === undefined ? undefined : Number(process.env.CACHECTL_FUZZ_SEED);
const path = process.env.CACHECTL_FUZZ_PATH;
const replayPath = process.env.CACHECTL_FUZZ_REPLAY_PATH;

/** The command that replays a failure: the generators depend on these settings too. */
function replayHint(message: string): string {
  const s = /seed: (-?\d+), path: "([^"]*)"/.exec(message);
  const r = /replayPath="([^"]*)"/.exec(message);
  if (!s) return '';
  const env = ['COMMANDS', 'ONLY', 'SKIP'].map((k) => [k, k === 'COMMANDS' ? String(MAX_COMMANDS) : process.env[`CACHECTL_FUZZ_${k}`]] as const)
    .filter(([, v]) => v).map(([k, v]) => `CACHECTL_FUZZ_${k}=${v}`).join(' ');
  return `replay: ${env} npm run fuzz:index -- --seed ${s[1]} --path '${s[2]}'${r ? ` --replay '${r[1]}'` : ''}`;
}

test(`an indexed run equals a --full run after any history (${RUNS} histories, readers ${READERS.join('+')})`, { timeout: 60_000 + RUNS * 1_000 }, async () => {
  // Not cachectl-*: something on this shared machine once read every file below /tmp/cachectl-*.
  const parent = await tempDir('idx-model-');
  try {
    await fc.assert(historyProperty(parent, MAX_COMMANDS, replayPath), { numRuns: RUNS, seed, path, endOnFailure: process.env.CACHECTL_FUZZ_NO_SHRINK === '1' });
  } catch (e) {
    (e as Error).message += `\n${replayHint((e as Error).message)}`;
    throw e;
  } finally {
    await History.settled();
    if (disturbedHistories > 0) console.log(`${disturbedHistories} histories skipped: another process read their files`);
    if (SURVEY) {
      for (const [kind, { count, example }] of [...survey].sort((a, b) => b[1].count - a[1].count)) console.log(`${count} × ${kind}\n  shortest:\n  ${example.replace(/\n/g, '\n  ')}\n`);
    }
    if (process.env.CACHECTL_FUZZ_PROFILE === '1') {
      console.log([...timings].sort((a, b) => b[1].ms - a[1].ms).map(([k, t]) => `${k.padEnd(20)} ${String(t.n).padStart(6)} × ${(t.ms / t.n).toFixed(1).padStart(6)} ms = ${(t.ms / 1000).toFixed(1)} s`).join('\n'));
    }
  }
});
