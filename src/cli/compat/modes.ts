import type { CliContext } from '../context.js';
import type { HtcOptions } from './parse.js';
import { scan } from '../../api/report.js';
import { listEntries, formatLong, deleteUrls } from '../../api/list.js';
import { processLockOwner } from '../lockOwner.js';
import { strerror } from './numbers.js';
import { writeChunked } from '../output/chunked.js';

/**
 * `-a`/`-A`: every servable entry, in walk order, as htcacheclean prints them. Exit 0
 * even when a directory could not be read (as htcacheclean), but unlike it we list the
 * rest of the cache and say which directory was skipped; 1 only when interrupted.
 */
export async function listMode(ctx: CliContext, o: HtcOptions): Promise<number> {
  const snap = await scan({ root: o.root, format: 'apache', signal: ctx.signal });
  const line = o.list === 'extended' ? formatLong : (e: { url: string }) => e.url;
  writeChunked(ctx.out, (function* () { for (const e of listEntries(snap, { round: o.round })) yield line(e) + '\n'; })());
  for (const e of snap.errors) ctx.err(`htcacheclean: could not read ${e.path} (${e.code}); its entries are not listed\n`);
  return snap.interrupted ? 1 : 0;
}

/**
 * URL arguments: each is hashed exactly as given (the key must be exact, `?` included),
 * removed with all its variants. -v says what happened to each, on stderr. Exit 0 if
 * one was removed and none failed, 2 if none was cached, 1 on any error.
 */
export async function urlMode(ctx: CliContext, o: HtcOptions): Promise<number> {
  const r = await deleteUrls({
    root: o.root, urls: o.urls, exactOnly: true, dryRun: o.dryRun,
    removeEmptyDirs: o.removeEmptyDirs, lockOwner: processLockOwner, signal: ctx.signal, iKnowThisIsACache: o.iKnowThisIsACache,
  });
  for (const e of r.errors) ctx.err(`Could not remove file ${e.path}: ${strerror(e.code)}\n`);
  let deleted = false, error = false;
  for (const t of r.targets) {
    if (t.status === 'removed') deleted = true;
    if (t.status === 'error') error = true;
    if (!o.verbose) continue;
    const what = t.status === 'removed' ? 'Removed' : t.status === 'error' ? 'Error while removed' : 'Not cached';
    ctx.err(`${what}: ${t.input}\n`);
  }
  if (r.interrupted) return 1;
  return error ? 1 : deleted ? 0 : 2;
}
