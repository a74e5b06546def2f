import { test } from 'vitest';
import fc from 'fast-check';
import { tempDir } from '../helpers/tmp.js';
import { History, disturbedHistories, historyProperty, READERS, SURVEY, survey, timings } from './cacheModel.js';

/**
 * Indexed runs must decide what --full runs decide, whatever happened to the tree
 * in between (cacheModel.ts). CACHECTL_FUZZ_RUNS sets the number of histories
 * (npm run fuzz:index runs 10k); CACHECTL_FUZZ_SEED (+ CACHECTL_FUZZ_PATH) replays one.
 */
const RUNS = Number(process.env.CACHECTL_FUZZ_RUNS ?? 500);
const MAX_COMMANDS = Number(process.env.CACHECTL_FUZZ_COMMANDS ?? 5);
const seed = process.env.CACHECTL_FUZZ_SEED === undefined ? undefined : Number(process.env.CACHECTL_FUZZ_SEED);
const path = process.env.CACHECTL_FUZZ_PATH;

test(`an indexed run equals a --full run after any history (${RUNS} histories, readers ${READERS.join('+')})`, { timeout: 60_000 + RUNS * 1_000 }, async () => {
  // Not cachectl-*: something on this shared machine once read every file below /tmp/cachectl-*.
  const parent = await tempDir('idx-model-');
  try {
    await fc.assert(historyProperty(parent, MAX_COMMANDS), { numRuns: RUNS, seed, path, endOnFailure: process.env.CACHECTL_FUZZ_NO_SHRINK === '1' });
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
