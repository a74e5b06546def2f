/**
 * The oracles of the model test: an indexed run must decide what a --full run decides
 * (checkEquivalence), and a real prune must do what it says (pruneForReal).
 */
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { indexedScan } from '../../src/core/index/indexedScan.js';
import { buildReport, streamReport } from '../../src/core/report.js';
import { listEntries } from '../../src/core/list/list.js';
import { prune } from '../../src/core/prune/prune.js';
import { differences, withoutRunFields } from './compare.js';
import type { History } from './history.js';
import { scan } from '../../src/core/scan/scan.js';
import { Kind } from '../../src/core/table/table.js';

/** An outcome that depends on the index: the finding. Anything else thrown is a harness failure. */
export class Divergence extends Error {}

/** Throws a Divergence naming where `a` and `b` differ (`a` is the indexed run unless `names` says otherwise). */
function same(what: string, a: unknown, b: unknown, names = 'indexed run ≠ --full run'): void {
  const d = differences(a, b);
  if (d.length > 0) throw new Divergence(`${what}: ${names}\n    ${d.join('\n    ')}`);
}

export interface RunParams {
  usage: 'disk' | 'apparent';
  fraction: number;
  expiredFirst: boolean;
  /**
   * 'report-first': the indexed report re-reads what changed and saves the index, which the
   * indexed prune then starts from. 'prune-first': the prune meets the changes itself, as a
   * cron job does.
   */
  order: 'prune-first' | 'report-first';
}

/**
 * The equivalence check: report and list from one indexed scan against one --full scan,
 * and prune --dry-run with a limit of `fraction` of the cache (0: every entry is planned,
 * in LRU order), indexed against --full, in the given order. Returns the cache size (in
 * `usage`) a --full scan measured.
 *
 * One more check on the --full plan, which is no comparison: nothing writes to the tree
 * while we run, so a missed target must leave no entry unplanned (an entry that is never
 * planned is spared forever).
 */
export async function checkEquivalence(h: History, p: RunParams): Promise<number> {
  const common = { root: h.root, walker: h.walker, now: h.now, accessLogs: await h.allLogs() };
  const reportAndList = async () => {
    // The indexed and the --full run go side by side: both only read the tree, and each
    // writes only its own state dir. (Half the latency on a loaded machine.)
    const [a, b] = await Promise.all([
      settle(indexedScan({ ...common, stateDir: h.state })),
      settle(indexedScan({ ...common, stateDir: h.fullState, full: true })),
    ]);
    // Refused alike (the tree no longer looks like a cache), or both scanned.
    if (!a.ok || !b.ok) return same('report: refused', a.ok ? 'ran' : a.error, b.ok ? 'ran' : b.error);
    const [snap, full] = [a.value, b.value];
    const fullReport = await buildReport(full, { now: h.now });
    same('report', withoutRunFields('report', await buildReport(snap, { now: h.now })), withoutRunFields('report', fullReport));
    same('list', listEntries(snap, { sorted: true }), listEntries(full, { sorted: true }));
    h.size = { disk: fullReport.diskBytes, apparent: fullReport.bytes };
  };
  const dryRuns = async () => {
    // The cache size the last --full scan measured (prune-first: before this check's changes).
    const limit = Math.floor(h.size[p.usage] * p.fraction);
    const o = { ...common, limit, usage: p.usage, expiredFirst: p.expiredFirst, dryRun: true, lock: false } as const;
    const [a, b] = await Promise.all([settle(prune({ ...o, stateDir: h.state })), settle(prune({ ...o, stateDir: h.fullState, full: true }))]);
    const what = `prune --dry-run --limit ${limit} --usage ${p.usage}${p.expiredFirst ? ' --expired-first' : ''}`;
    // A tree that no longer looks like a cache (say, emptied and a file put in) is refused
    // before any scan: then both must refuse, with the same sentence.
    if (!a.ok || !b.ok) return same(`${what}: refused`, a.ok ? 'ran' : a.error, b.ok ? 'ran' : b.error);
    const [planned, fullPlan] = [a.value, b.value];
    same(what, withoutRunFields('prune', planned), withoutRunFields('prune', fullPlan));
    await nothingSparedForever(h, `${what} --full`, fullPlan);
  };
  if (p.order === 'report-first') { await reportAndList(); await dryRuns(); } else { await dryRuns(); await reportAndList(); }
  return h.size[p.usage];
}

/** A promise's value, or the message it was rejected with. */
async function settle<T>(p: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: string }> {
  return p.then((value) => ({ ok: true as const, value }), (e: Error) => ({ ok: false as const, error: e.message }));
}

async function nothingSparedForever(h: History, what: string, r: Awaited<ReturnType<typeof prune>>): Promise<void> {
  if (r.targetMet || r.removed.entries === r.before.entries) return;
  // Name the entries left out (as a full scan sees them), with their files' times against the clock now.
  const planned = new Set(r.plan.flatMap((v) => v.files));
  const snap = await scan({ root: h.root, walker: h.walker });
  const left: string[] = [];
  const t = Date.now();
  for (let i = 0; i < snap.table.length; i++) {
    if (snap.table.kind[i] !== Kind.Entry) continue;
    const files = snap.table.files(i);
    if (planned.has(files[0])) continue;
    const times = await Promise.all(files.map(async (f) => {
      const st = await lstat(join(h.root, f));
      return `${f.split('.').pop()} mtime ${Math.round(st.mtimeMs - t)} ctime ${Math.round(st.ctimeMs - t)}`;
    }));
    left.push(`${files[0]} (${times.join(', ')})`);
  }
  throw new Divergence(`${what}: target missed, yet ${r.before.entries - r.removed.entries} of ${r.before.entries} entries are not planned `
    + `on a tree nothing is writing to (skippedChanged ${r.skippedChanged}); left out, times in ms from now:\n      ${left.join('\n      ')}`);
}

/** A recursive listing (path, type, size, inode) of the area prune must never touch. */
async function outsideListing(dir: string, rel = ''): Promise<string[]> {
  const out: string[] = [];
  for (const name of (await readdir(join(dir, rel))).sort()) {
    const r = join(rel, name);
    const st = await lstat(join(dir, r));
    out.push(`${r} ${st.isDirectory() ? 'd' : st.isSymbolicLink() ? 'l' : 'f'} ${st.isDirectory() ? 0 : st.size} ${st.ino}`);
    if (st.isDirectory()) out.push(...(await outsideListing(dir, r)));
  }
  return out;
}

/**
 * A real indexed prune (what cron runs), with a limit of `fraction` of the size the last
 * --full scan measured, checked against a full scan after it (`report --no-index`): it
 * ends within its target or says targetMet: false (the CLI exits 4); what it says is left
 * is what is left; it meets the errors a full scan meets, no more; nothing outside the
 * root is touched.
 */
export async function pruneForReal(h: History, p: { usage: 'disk' | 'apparent'; fraction: number }): Promise<string> {
  const accessLogs = await h.allLogs();
  const limit = Math.floor(h.size[p.usage] * p.fraction);
  const outside = await outsideListing(h.side);
  const run = await settle(prune({ root: h.root, walker: h.walker, now: h.now, accessLogs, limit, usage: p.usage, lock: false, stateDir: h.state }));
  if (!run.ok) return `refused: ${run.error}`;
  const r = run.value;
  // format given: a pruned-out tree may no longer look like a cache to auto-detection.
  const after = await streamReport({ root: h.root, walker: h.walker, now: h.now, format: 'apache' });
  const left = { bytes: p.usage === 'disk' ? after.diskBytes : after.bytes, entries: after.entries };
  h.size = { disk: after.diskBytes, apparent: after.bytes };
  const what = `prune --limit ${limit} --usage ${p.usage}`;
  same(`${what}: errors`, withoutRunFields('prune', r).errors, withoutRunFields('report', after).errors, 'indexed prune ≠ a full scan after it');
  same(`${what}: files outside the root`, await outsideListing(h.side), outside, 'after ≠ before');
  if (r.targetMet && left.bytes > limit) throw new Divergence(`${what}: said targetMet, but ${left.bytes} bytes are left (limit ${limit})`);
  same(`${what}: what is left`, r.after, left, 'what the indexed prune says ≠ a full scan after it');
  return `${r.targetMet ? 'target met' : 'targetMet: false'}, removed ${r.removed.entries} entries (${r.removed.bytes} B), ${left.bytes} B left, limit ${limit}`;
}

