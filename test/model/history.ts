/**
 * One history's real world for the model test (cacheModel.ts): a fresh mod_cache_disk tree
 * with a saved index, the areas around it (outside the root, access logs, state dirs),
 * and the trace of what happened to it.
 */
import { chmod, lstat, mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { indexedScan } from '../../src/core/index/indexedScan.js';
import { buildReport } from '../../src/core/report.js';
import { nativeState } from '../../src/core/native/load.js';
import { cpA, writeInitialTree } from './tree.js';

export type Reader = 'native' | 'portable';
/** Both readers when the native one is built: their index code paths differ (verify.c vs reuse.ts). */
export const READERS: Reader[] = nativeState().binding ? ['native', 'portable'] : ['portable'];
export const IS_ROOT = process.getuid?.() === 0;

/** Wall time per phase (name -> count, ms), printed by the test with CACHECTL_FUZZ_PROFILE=1. */
export const timings = new Map<string, { n: number; ms: number }>();
export async function timed<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  try {
    return await fn();
  } finally {
    const t = timings.get(name) ?? { n: 0, ms: 0 };
    t.n++;
    t.ms += performance.now() - t0;
    timings.set(name, t);
  }
}

const CANARY_ATIME = Date.UTC(2001, 0, 1);

export interface Model {
  readonly useLog: boolean;
}

/** One history's real world: the cache, everything around it, and what happened so far. */
export class History {
  readonly root: string;
  /** Outside the cache: hard links, directories moved away or symlinked to, backups. Never pruned. */
  readonly side: string;
  readonly logs: string;
  /** The indexed runs' state dir. */
  readonly state: string;
  /** Where --full runs save their index: never read by an indexed run (a full run must not feed it). */
  readonly fullState: string;
  readonly trace: string[] = [];
  /** The cache size the last --full scan measured (checks take their limits from it). */
  size = { disk: 0, apparent: 0 };
  private seq = 0;
  private locked: string[] = [];

  /**
   * @param walker the reader of every run in this history: each history checks one reader,
   *   generated, so that both are covered at half the cost per history (the budget is
   *   500 histories in 90 s on two shared cores).
   */
  private constructor(readonly base: string, readonly now: number, readonly useLog: boolean, readonly walker: Reader) {
    this.root = join(base, 'cache');
    this.side = join(base, 'outside');
    this.logs = join(base, 'logs');
    this.state = join(base, 'state');
    this.fullState = join(base, 'state-full');
  }

  static async create(parent: string, useLog: boolean, walker: Reader): Promise<History> {
    const base = await mkdtemp(join(parent, 'h-'));
    // Whole seconds: times in the tree and the injected clock line up exactly.
    const h = new History(base, Math.floor(Date.now() / 1000) * 1000, useLog, walker);
    await Promise.all([h.root, h.side, h.logs].map((d) => mkdir(d)));
    await writeFile(join(base, 'canary'), 'read me and this history is void\n');
    await utimes(join(base, 'canary'), CANARY_ATIME / 1000, CANARY_ATIME / 1000);
    await timed('create: tree', () => writeInitialTree(h.root, h.now));
    if (useLog) await writeFile(join(h.logs, 'access_log'), '');
    // A cron job already ran: every history starts from a saved index.
    const accessLogs = await h.allLogs();
    const first = await timed('create: first index', () => indexedScan({ root: h.root, walker, now: h.now, stateDir: h.state, accessLogs }));
    const report = await buildReport(first, { now: h.now });
    h.size = { disk: report.diskBytes, apparent: report.bytes };
    return h;
  }

  /** Removes the history's files in the background (the next history need not wait); `settled` awaits them all. */
  dispose(): void {
    History.cleanups.push((async () => {
      for (const d of this.locked) await chmod(d, 0o700).catch(() => {});
      await rm(this.base, { recursive: true, force: true });
    })());
  }
  private static cleanups: Promise<void>[] = [];
  static async settled(): Promise<void> {
    await Promise.all(History.cleanups.splice(0));
  }

  /** httpd's temp file names: `aptmp` + 6 characters, in the cache root. */
  tmpName = (): string => `aptmp${(this.seq++).toString(36).padStart(6, '0')}`;
  next = (): number => this.seq++;
  noteLocked(dir: string): void { this.locked.push(dir); }

  /** Copies taken with `cp -a` (outside the root), for restoreWithCpA. */
  readonly backups: { name: string; rel: string }[] = [];
  async backup(rel: string): Promise<string> {
    const name = `backup-${this.next()}`;
    await cpA(join(this.root, rel), join(this.side, name));
    this.backups.push({ name, rel });
    return name;
  }

  /**
   * Whether some other process read this history's files (the machine is shared: once,
   * something read every file below /tmp/cachectl-*, moving atimes the runs compare). It
   * reads the canary next to the cache as well; nothing of ours ever does.
   */
  async disturbed(): Promise<boolean> {
    return (await lstat(join(this.base, 'canary'))).atimeMs !== CANARY_ATIME;
  }

  /** Runs one step of the history, its line in the trace showing what it resolved to ("…": it threw). */
  async step(label: string, fn: () => Promise<string>): Promise<void> {
    const at = this.trace.push(`${label} → …`) - 1;
    this.trace[at] = `${label} → ${await fn()}`;
  }

  /** Every access log there is, rotated ones included (a full run reads them all). */
  async allLogs(): Promise<string[] | undefined> {
    if (!this.useLog) return undefined;
    return (await readdir(this.logs)).sort().map((n) => join(this.logs, n));
  }
}

