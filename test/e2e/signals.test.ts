import { expect, test } from 'vitest';
import { spawn } from 'node:child_process';
import { access, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { BIN, binEnv } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { writeEntry } from '../../src/core/sample/writeEntry.js';
import { url, DAY } from '../scan/fixtureTree.js';

test.each([['SIGTERM', 143], ['SIGINT', 130]] as const)('%s stops prune between deletions, prints what was done, releases the lock, exits %i', async (sig, code) => {
  const root = await tempDir();
  const now = Date.now();
  for (let i = 0; i < 1500; i++) await writeEntry(root, { key: url(`s${i}`), body: 10, fetchedAt: now - (i + 1) * 60e3 - DAY }, { levels: 2, length: 1 });
  // --nice pauses between batches: the run takes a few seconds, long enough to interrupt.
  const child = spawn(process.execPath, [BIN, 'prune', root, '--max-entries', '0', '--nice', '--json'], { env: binEnv() });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  // Interrupt once deletions are under way (the scan's duration depends on machine load).
  const headers = async () => (await readdir(root, { recursive: true })).filter((f) => String(f).endsWith('.header')).length;
  for (let i = 0; i < 400 && (await headers()) >= 1500; i++) await new Promise((r) => setTimeout(r, 25));
  child.kill(sig);
  const exit = await new Promise<number | null>((r) => child.on('close', (c) => r(c)));
  expect(exit).toBe(code);
  const j = JSON.parse(out);
  expect(j.interrupted).toBe(true);
  expect(j.removed.entries).toBeGreaterThan(0);
  expect(j.removed.entries).toBeLessThan(1500);
  // The tail age is that of the least recently used entry kept: the oldest were removed
  // first, so it is entry s(1499 - removed), used (1500 - removed) minutes and a day before
  // the cache was written (not the plan's tail, which counted every victim as gone).
  const oldestKept = (1500 - j.removed.entries) * 60e3 + DAY;
  expect(j.tailAgeMs).toBeGreaterThanOrEqual(oldestKept - 1000);
  expect(j.tailAgeMs).toBeLessThan(oldestKept + 120e3);
  await expect(access(join(root, '.cachectl.lock'))).rejects.toThrow();
}, 60_000);
