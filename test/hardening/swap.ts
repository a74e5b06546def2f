import { mkdir, rename, symlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDir } from '../helpers/tmp.js';
import { scan } from '../../src/core/scan/scan.js';
import { buildPlan, type Plan } from '../../src/core/prune/plan.js';
import type { Snapshot } from '../../src/core/scan/scan.js';
import { DAY } from './helpers.js';

/**
 * The symlink attack on a files-mode cache (a distfiles directory the web server's
 * user can write): that user plants `d/<name>` for names that also exist in a tree it
 * cannot write (`outside`), waits for the scan to plan their deletion, then swaps `d`
 * for a symlink to `outside`. A path-based unlink, even after an lstat re-check (the
 * outside files are old, so their ctime passes it), would delete the outside files.
 */
export async function swapScenario(names = ['passwd', 'shadow', 'victim.tar.gz']): Promise<{
  root: string; outside: string; names: string[]; snap: Snapshot; plan: Plan; swap: () => Promise<void>;
}> {
  const base = await tempDir('cachectl-swap-');
  const outside = join(base, 'outside');
  const root = join(base, 'cache');
  await mkdir(outside);
  await mkdir(join(root, 'd'), { recursive: true });
  const old = (Date.now() - 30 * DAY) / 1000;
  for (const n of names) {
    // Outside first: its ctime is older than the scan, as a real system file's would be.
    await writeFile(join(outside, n), `precious ${n}`);
    await utimes(join(outside, n), old, old);
    await writeFile(join(root, 'd', n), 'bait');
    await utimes(join(root, 'd', n), old, old);
  }
  await new Promise((r) => setTimeout(r, 20));
  const snap = await scan({ root, format: 'files' });
  const plan = await buildPlan(snap, {
    usage: 'apparent', order: 'atime', now: Date.now(), needBytes: 0, needEntries: snap.table.length, needFree: 0,
    expiredFirst: false, keepNewerThan: 0, tempMaxAge: 6 * 3600e3, orphanMinAge: 3600e3, round: 0,
  });
  const swap = async (): Promise<void> => {
    await rename(join(root, 'd'), join(base, 'd.moved'));
    await symlink(outside, join(root, 'd'));
  };
  return { root, outside, names, snap, plan, swap };
}
