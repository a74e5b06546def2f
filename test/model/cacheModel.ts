/**
 * Model-based test of the persisted index: random histories of what happens to a real
 * mod_cache_disk tree (httpd stores, hits, revalidates and removes entries; admins chmod,
 * restore and move things; logrotate rotates the access log), and after any of them a
 * check that a run starting from the index decides exactly what a `--full` run decides.
 *
 * The "model" is the full scan itself: it reads everything and trusts nothing, so the
 * harness keeps almost no state of its own. Commands carry only generated numbers
 * ("entry #7"), resolved against the tree as it is when they run; each history writes
 * what they resolved to into its trace, which a failure prints.
 */
import fc from 'fast-check';
import { appendFile, chmod, chown, link, lstat, mkdir, mkdtemp, readdir, readFile, rename, rm, symlink, truncate, unlink, utimes, writeFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { indexedScan } from '../../src/core/index/indexedScan.js';
import { buildReport, streamReport } from '../../src/core/report.js';
import { listEntries } from '../../src/core/list/list.js';
import { prune } from '../../src/core/prune/prune.js';
import { nativeState } from '../../src/core/native/load.js';
import { encodeEntryHeader } from '../../src/core/sample/encode.js';
import { differences, withoutRunFields } from './compare.js';
import {
  DAY, HOUR, PLAIN_KEYS, VARY_KEYS, cpA, httpdStore, parseAt, pick, readNoAtime, realDirsOrMissing, rmdirUp, stemOf,
  storeVariant, viewTree, writeInitialTree, writeTemp,
} from './tree.js';

export type Reader = 'native' | 'portable';
/** Both readers when the native one is built: their index code paths differ (verify.c vs reuse.ts). */
export const READERS: Reader[] = nativeState().binding ? ['native', 'portable'] : ['portable'];
const IS_ROOT = process.getuid?.() === 0;

/** Wall time per phase (name -> count, ms), printed by the test with CACHECTL_FUZZ_PROFILE=1. */
export const timings = new Map<string, { n: number; ms: number }>();
async function timed<T>(name: string, fn: () => Promise<T>): Promise<T> {
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
    await timed('create: first index', () => indexedScan({ root: h.root, walker, now: h.now, stateDir: h.state, accessLogs }));
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

// ---------------------------------------------------------------------------------------
// The checks

class Divergence extends Error {}

/**
 * CACHECTL_FUZZ_SURVEY=1: a divergence ends its history without failing the property; they
 * are collected here (by their first line, numbers masked) and the test prints a summary.
 * For a census of the causes present; the default mode fails and shrinks the first one.
 */
export const SURVEY = process.env.CACHECTL_FUZZ_SURVEY === '1';
export let disturbedHistories = 0;
export const survey = new Map<string, { count: number; example: string; commands: number }>();

/** Throws a Divergence naming where `a` and `b` differ (`a` is the indexed run unless `names` says otherwise). */
function same(what: string, a: unknown, b: unknown, names = 'indexed run ≠ --full run'): void {
  const d = differences(a, b);
  if (d.length > 0) throw new Divergence(`${what}: ${names}\n    ${d.join('\n    ')}`);
}

export interface RunParams { usage: 'disk' | 'apparent'; fraction: number; expiredFirst: boolean }

/**
 * The equivalence check: report and list from one indexed scan against one --full scan,
 * then prune --dry-run with a limit of `fraction` of the cache (0: every entry is planned,
 * in LRU order), indexed against --full. The indexed prune starts from the index the
 * indexed scan just saved. Returns the cache size (in `usage`) a --full scan measured.
 *
 * One more check on the --full plan, which is no comparison: nothing writes to the tree
 * while we run, so a missed target must leave no entry unplanned (an entry that is never
 * planned is spared forever).
 */
export async function checkEquivalence(h: History, p: RunParams): Promise<number> {
  const common = { root: h.root, walker: h.walker, now: h.now, accessLogs: await h.allLogs() };
  // The indexed and the --full run go side by side: both only read the tree, and each writes
  // only its own state dir. (Half the latency on a loaded machine.)
  const [snap, full] = await Promise.all([
    indexedScan({ ...common, stateDir: h.state }),
    indexedScan({ ...common, stateDir: h.fullState, full: true }),
  ]);
  const fullReport = await buildReport(full, { now: h.now });
  same('report', withoutRunFields('report', await buildReport(snap, { now: h.now })), withoutRunFields('report', fullReport));
  same('list', listEntries(snap, { sorted: true }), listEntries(full, { sorted: true }));
  const size = p.usage === 'disk' ? fullReport.diskBytes : fullReport.bytes;
  const limit = Math.floor(size * p.fraction);
  const o = { ...common, limit, usage: p.usage, expiredFirst: p.expiredFirst, dryRun: true, lock: false } as const;
  const [planned, fullPlan] = await Promise.all([prune({ ...o, stateDir: h.state }), prune({ ...o, stateDir: h.fullState, full: true })]);
  const what = `prune --dry-run --limit ${limit} --usage ${p.usage}${p.expiredFirst ? ' --expired-first' : ''}`;
  same(what, withoutRunFields('prune', planned), withoutRunFields('prune', fullPlan));
  await nothingSparedForever(h, `${what} --full`, fullPlan);
  return size;
}

async function nothingSparedForever(h: History, what: string, r: Awaited<ReturnType<typeof prune>>): Promise<void> {
  if (r.targetMet || r.removed.entries === r.before.entries) return;
  // Name the entries left out, with their times against the clock now (ms).
  const planned = new Set(r.plan.flatMap((v) => v.files));
  const left: string[] = [];
  for (const e of (await viewTree(h.root)).entries) {
    if (planned.has(e.header)) continue;
    const t = Date.now();
    const times = await Promise.all([e.header, ...(e.data ? [e.data] : [])].map(async (f) => {
      const st = await lstat(join(h.root, f));
      return `${f.split('.').pop()} mtime ${Math.round(st.mtimeMs - t)} ctime ${Math.round(st.ctimeMs - t)}`;
    }));
    left.push(`${e.header} (${times.join(', ')})`);
  }
  throw new Divergence(`${what}: target missed, yet ${r.before.entries - r.removed.entries} of ${r.before.entries} entries are not planned `
    + `on a tree nothing is writing to (skippedChanged ${r.skippedChanged}, plan ${r.plan.length}, errors ${r.errors.length}); left out, times in ms from now:\n      ${left.slice(0, 6).join('\n      ')}`);
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
 * A real indexed prune (what cron runs), checked against a full scan after it (`report
 * --no-index`): it ends within its target or says targetMet: false (the CLI exits 4); what
 * it says is left is what is left; it met the errors a full scan meets, no more; nothing
 * outside the root is touched. `size`: the cache size a --full scan just measured; without
 * it a --full dry run with limit 0 measures it (and must plan every entry: nothing is
 * spared forever).
 */
export async function pruneForReal(h: History, p: { usage: 'disk' | 'apparent'; fraction: number; size?: number }): Promise<string> {
  const accessLogs = await h.allLogs();
  let size = p.size;
  if (size === undefined) {
    const all = await prune({ root: h.root, walker: h.walker, now: h.now, accessLogs, limit: 0, usage: p.usage, dryRun: true, lock: false, stateDir: h.fullState, full: true });
    await nothingSparedForever(h, `prune --full --dry-run --limit 0 --usage ${p.usage}`, all);
    size = all.before.bytes;
  }
  const limit = Math.floor(size * p.fraction);
  const outside = await outsideListing(h.side);
  const r = await prune({ root: h.root, walker: h.walker, now: h.now, accessLogs, limit, usage: p.usage, lock: false, stateDir: h.state });
  const after = await streamReport({ root: h.root, walker: h.walker, now: h.now });
  const left = { bytes: p.usage === 'disk' ? after.diskBytes : after.bytes, entries: after.entries };
  const what = `prune --limit ${limit} --usage ${p.usage}`;
  same(`${what}: errors`, withoutRunFields('prune', r).errors, withoutRunFields('report', after).errors, 'indexed prune ≠ a full scan after it');
  same(`${what}: files outside the root`, await outsideListing(h.side), outside, 'after ≠ before');
  if (r.targetMet && left.bytes > limit) throw new Divergence(`${what}: said targetMet, but ${left.bytes} bytes are left (limit ${limit})`);
  same(`${what}: what is left`, r.after, left, 'what the indexed prune says ≠ a full scan after it');
  return `${r.targetMet ? 'target met' : 'targetMet: false'}, removed ${r.removed.entries} entries (${r.removed.bytes} B), ${left.bytes} B left, limit ${limit}`;
}

// ---------------------------------------------------------------------------------------
// Commands

type Act = (h: History) => Promise<string>;

/** A command: a label with its generated numbers, and what it does to the real tree. */
class Cmd implements fc.AsyncCommand<Model, History> {
  constructor(readonly label: string, private readonly act: Act, private readonly guard: (m: Model) => boolean = () => true) {}
  check(m: Readonly<Model>): boolean { return this.guard(m); }
  async run(_m: Model, h: History): Promise<void> {
    await h.step(`${h.trace.length + 1}. ${this.label}`, () => timed(this.label.replace(/\(.*/, ''), () => this.act(h).catch((e: NodeJS.ErrnoException) => {
      // Without root, a directory made unreadable (chmod000) makes later commands fail there,
      // as they would for httpd: the command is not done, the history goes on.
      if (!IS_ROOT && e.code === 'EACCES') return `not done (EACCES)`;
      throw e;
    })));
  }
  toString(): string { return this.label; }
}

const nat = fc.nat({ max: 999 });
const file = fc.constantFrom('body', 'header') as fc.Arbitrary<'body' | 'header'>;
const usage = fc.constantFrom('disk', 'apparent') as fc.Arbitrary<'disk' | 'apparent'>;
const SKIPPED = 'skipped (nothing to pick)';

/** An entry's chosen file: the body, or the header when asked or when it has no body. */
const fileOf = (e: { header: string; data?: string }, f: 'body' | 'header') => (f === 'body' && e.data ? e.data : e.header);

async function withEntry(h: History, n: number, fn: (e: Awaited<ReturnType<typeof viewTree>>['entries'][number]) => Promise<string>): Promise<string> {
  const e = pick((await viewTree(h.root)).entries, n);
  return e ? fn(e) : SKIPPED;
}

const logTime = (ms: number): string => {
  const d = new Date(ms);
  const m = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getUTCMonth()];
  const p = (x: number) => String(x).padStart(2, '0');
  return `${p(d.getUTCDate())}/${m}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
};
const logLine = (key: string, ms: number, status = 200) => {
  const path = new URL(key.replace(/\?$/, '')).pathname;
  return `192.0.2.7 - - [${logTime(ms)}] "GET ${path} HTTP/1.1" ${status} 1234\n`;
};

const us = (ms: number) => Math.round(ms * 1000);

export function commandArbitraries(): fc.Arbitrary<Cmd>[] {
  const a: [string, fc.Arbitrary<Cmd>][] = [
    ['store', fc.record({ key: nat, body: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 6000 })) }).map(({ key, body }) => new Cmd(`store(key#${key}, ${body} B)`, async (h) => {
      const k = PLAIN_KEYS[key % PLAIN_KEYS.length];
      const stem = stemOf(k);
      if (!(await realDirsOrMissing(h.root, dirname(stem)))) return `skipped: ${dirname(stem)} is not a directory (httpd cannot store)`;
      await httpdStore(h.root, { key: k, stem, body, now: Date.now() }, h.tmpName);
      return `${stem}.header${body > 0 ? ' + .data' : ''}`;
    }))],

    // httpd serving a hit reads the header and the body: the kernel moves atime (relatime:
    // when atime <= mtime or a day old), ctime stays. The access log gets the request.
    ['hit', nat.map((n) => new Cmd(`hit(entry#${n})`, (h) => withEntry(h, n, async (e) => {
      await readFile(join(h.root, e.header));
      if (e.data) await readFile(join(h.root, e.data));
      if (h.useLog) await appendFile(join(h.logs, 'access_log'), logLine(e.key, Date.now()));
      return e.data ?? e.header;
    })))],

    // A 304: the header is rewritten (temp + rename: new inode, new mtime, longer), the body kept.
    ['revalidate', nat.map((n) => new Cmd(`revalidate(entry#${n})`, (h) => withEntry(h, n, async (e) => {
      const old = await parseAt(join(h.root, e.header));
      if (old.kind !== 'entry') return 'skipped (not an entry header)';
      const t = Date.now();
      const tmp = join(h.root, h.tmpName());
      await writeFile(tmp, encodeEntryHeader({
        key: old.key, status: old.status, date: Math.floor(t / 1000) * 1e6, expire: us(t + DAY), requestTime: us(t) - 900, responseTime: us(t),
        inode: BigInt(old.inode), device: BigInt(old.device), hasBody: old.hasBody, headerOnly: old.headerOnly,
        responseHeaders: { 'Content-Length': '1', ...(e.variant ? { Vary: 'Accept-Encoding' } : {}) },
        requestHeaders: { Host: 'mirror.local', 'If-Modified-Since': new Date(old.date / 1000).toUTCString() },
      }));
      await rename(tmp, join(h.root, e.header));
      return e.header;
    })))],

    ['remove', nat.map((n) => new Cmd(`httpdRemove(entry#${n})`, (h) => withEntry(h, n, async (e) => {
      await unlink(join(h.root, e.header));
      if (e.data) await unlink(join(h.root, e.data)).catch(() => {});
      await rmdirUp(h.root, dirname(e.header));
      return e.header;
    })))],

    ['setTimes', fc.record({
      n: nat, which: fc.constantFrom('body', 'header', 'both'), field: fc.constantFrom('atime', 'mtime', 'both'),
      dir: fc.constantFrom('back', 'forward', 'future'), hours: fc.integer({ min: 1, max: 2000 }),
    }).map(({ n, which, field, dir, hours }) => new Cmd(`setTimes(entry#${n}, ${which}, ${field}, ${dir} ${hours}h)`, (h) => withEntry(h, n, async (e) => {
      const files = which === 'both' ? [e.header, ...(e.data ? [e.data] : [])] : [fileOf(e, which)];
      for (const f of files) {
        const st = await lstat(join(h.root, f));
        const move = (t: number) => (dir === 'back' ? t - hours * HOUR : dir === 'forward' ? Math.min(h.now, t + hours * HOUR) : h.now + hours * HOUR);
        const at = field === 'mtime' ? st.atimeMs : move(st.atimeMs);
        const mt = field === 'atime' ? st.mtimeMs : move(st.mtimeMs);
        await utimes(join(h.root, f), at / 1000, mt / 1000);
      }
      return files.join(', ');
    })))],

    ['chmod', fc.record({ n: nat, f: file, mode: fc.constantFrom(0o600, 0o644, 0o400, 0o000) }).map(({ n, f, mode }) => new Cmd(`chmod(entry#${n} ${f}, ${mode.toString(8).padStart(3, '0')})`, (h) => withEntry(h, n, async (e) => {
      await chmod(join(h.root, fileOf(e, f)), mode);
      return fileOf(e, f);
    })))],

    ['chown', fc.record({ n: nat, f: file, uid: fc.integer({ min: 1, max: 65534 }) }).map(({ n, f, uid }) => new Cmd(`chown(entry#${n} ${f}, ${uid})`, (h) => withEntry(h, n, async (e) => {
      await chown(join(h.root, fileOf(e, f)), uid, uid);
      return fileOf(e, f);
    }), () => IS_ROOT))],

    ['link', fc.record({ n: nat, f: file }).map(({ n, f }) => new Cmd(`hardLink(entry#${n} ${f})`, (h) => withEntry(h, n, async (e) => {
      await link(join(h.root, fileOf(e, f)), join(h.side, `link-${h.next()}`));
      return fileOf(e, f);
    })))],

    // Rewritten in place (same inode, new bytes): a new expiry, maybe a longer header, and
    // maybe the old mtime put back (as rsync --inplace -t does). Vary indexes too.
    ['headerInPlace', fc.record({ n: nat, grow: fc.boolean(), keepMtime: fc.boolean(), days: fc.integer({ min: -30, max: 30 }) }).map(({ n, grow, keepMtime, days }) => new Cmd(
      `headerInPlace(header#${n}, expire ${days}d${grow ? ', grown' : ''}${keepMtime ? ', mtime kept' : ''})`, async (h) => {
        const v = await viewTree(h.root);
        const rel = pick([...v.entries.map((e) => e.header), ...v.varyIndexes].sort(), n);
        if (!rel) return SKIPPED;
        const p = join(h.root, rel);
        const st = await lstat(p);
        let b = await readNoAtime(p, Math.max(1, st.size));
        const expire = BigInt(us(h.now + days * DAY));
        const parsed = await parseAt(p);
        if (parsed.kind === 'vary') b.writeBigInt64LE(expire, 4);
        else if (parsed.kind === 'entry') {
          b.writeBigInt64LE(expire, 32);
          if (grow) { const at = 120 + parsed.nameLen; b = Buffer.concat([b.subarray(0, at), Buffer.from('X-Cache-Note: rewritten\r\n'), b.subarray(at)]); }
        } else return 'skipped (unparsable)';
        await writeFile(p, b);
        if (keepMtime) await utimes(p, st.atimeMs / 1000, st.mtimeMs / 1000);
        return rel;
      }))],

    ['truncateBody', fc.record({ n: nat, keep: fc.integer({ min: 0, max: 95 }) }).map(({ n, keep }) => new Cmd(`truncateBody(body#${n}, to ${keep}%)`, async (h) => {
      const e = pick((await viewTree(h.root)).entries.filter((x) => x.data), n);
      if (!e?.data) return SKIPPED;
      const st = await lstat(join(h.root, e.data));
      await truncate(join(h.root, e.data), Math.floor((st.size * keep) / 100));
      return e.data;
    }))],

    // Same size, new inode (renamed into place): httpd no longer serves it (inode mismatch).
    ['replaceBody', fc.record({ n: nat, keepTimes: fc.boolean() }).map(({ n, keepTimes }) => new Cmd(`replaceBodySameSize(body#${n}${keepTimes ? ', times kept' : ''})`, async (h) => {
      const e = pick((await viewTree(h.root)).entries.filter((x) => x.data), n);
      if (!e?.data) return SKIPPED;
      const p = join(h.root, e.data);
      const st = await lstat(p);
      const tmp = join(h.root, h.tmpName());
      await writeFile(tmp, Buffer.alloc(st.size, 0x5a));
      if (keepTimes) await utimes(tmp, st.atimeMs / 1000, st.mtimeMs / 1000);
      await rename(tmp, p);
      return e.data;
    }))],

    // Deleted, then stored again under the same name (ext4 may even hand back the same inodes).
    ['recreate', fc.record({ n: nat, keepTimes: fc.boolean() }).map(({ n, keepTimes }) => new Cmd(`deleteAndRecreate(entry#${n}${keepTimes ? ', times kept' : ''})`, (h) => withEntry(h, n, async (e) => {
      const hs = await lstat(join(h.root, e.header));
      const ds = e.data ? await lstat(join(h.root, e.data)) : null;
      await unlink(join(h.root, e.header));
      if (e.data) await unlink(join(h.root, e.data));
      const stem = e.header.replace(/\.header$/, '');
      await httpdStore(h.root, { key: e.key, stem, body: ds?.size ?? 0, now: Date.now(), vary: e.variant }, h.tmpName);
      if (keepTimes) {
        await utimes(join(h.root, e.header), hs.atimeMs / 1000, hs.mtimeMs / 1000);
        if (ds && ds.size > 0) await utimes(join(h.root, `${stem}.data`), ds.atimeMs / 1000, ds.mtimeMs / 1000);
      }
      return e.header;
    })))],

    ['replaceDir', fc.record({ n: nat, how: fc.constantFrom('rename', 'file', 'symlink') }).map(({ n, how }) => new Cmd(`replaceDir(dir#${n} by ${how})`, async (h) => {
      const rel = pick((await viewTree(h.root)).dirs, n);
      if (!rel) return SKIPPED;
      const p = join(h.root, rel);
      const st = await lstat(p);
      const away = join(h.side, `${how}-${h.next()}`);
      await rename(p, away);
      if (how === 'rename') {
        // A new directory (new inode) holding the very same files, with the old times put back.
        await mkdir(p, { mode: st.mode & 0o7777 });
        for (const name of await readdir(away)) await rename(join(away, name), join(p, name));
        await utimes(p, st.atimeMs / 1000, st.mtimeMs / 1000);
      } else if (how === 'file') {
        await writeFile(p, 'not a directory\n');
      } else {
        await symlink(away, p);
      }
      return rel;
    }))],

    // A backup of a directory with `cp -a`, kept outside the root for restoreWithCpA.
    ['backup', nat.map((n) => new Cmd(`backupWithCpA(dir#${n})`, async (h) => {
      const rel = pick((await viewTree(h.root)).dirs, n);
      return rel ? `${rel} → ${await h.backup(rel)}` : SKIPPED;
    }))],

    // `cp -a backup/. cache/DIR` over the live tree: existing files are rewritten in place,
    // with the backup's modes and times. Without a backup yet, one of DIR taken just now
    // (content and times then end up as they were: only ctimes move).
    ['restore', nat.map((n) => new Cmd(`restoreWithCpA(backup#${n})`, async (h) => {
      let b = pick(h.backups, n);
      if (!b) {
        const rel = pick((await viewTree(h.root)).dirs, n);
        if (!rel) return SKIPPED;
        await h.backup(rel);
        b = h.backups[0];
      }
      if (!(await realDirsOrMissing(h.root, b.rel))) return `skipped: ${b.rel} is not a directory`;
      await mkdir(dirname(join(h.root, b.rel)), { recursive: true, mode: 0o700 });
      await cpA(join(h.side, b.name), join(h.root, b.rel));
      return `${b.name} → ${b.rel}`;
    }))],

    ['tempAppear', fc.record({ size: fc.integer({ min: 1, max: 4000 }), ageH: fc.integer({ min: 0, max: 12 }) }).map(({ size, ageH }) => new Cmd(`tempAppear(${size} B, mtime ${ageH}h ago)`, async (h) => {
      const p = await writeTemp(h.root, h.tmpName().slice(5), size, h.now - ageH * HOUR);
      return p.slice(h.root.length + 1);
    }))],

    ['tempGrow', fc.record({ n: nat, bytes: fc.integer({ min: 1, max: 4000 }) }).map(({ n, bytes }) => new Cmd(`tempGrow(temp#${n}, +${bytes} B)`, async (h) => {
      const t = pick((await viewTree(h.root)).temps, n);
      if (!t) return SKIPPED;
      await appendFile(join(h.root, t), Buffer.alloc(bytes, 1));
      return t;
    }))],

    ['varyAdd', fc.record({ n: nat, value: fc.constantFrom('gzip', 'identity', 'br', 'zstd', null), body: fc.integer({ min: 0, max: 3000 }) }).map(({ n, value, body }) => new Cmd(
      `varyAdd(group#${n}, Accept-Encoding: ${value ?? '(none)'}, ${body} B)`, async (h) => {
        const rel = pick((await viewTree(h.root)).varyIndexes, n);
        const key = rel && VARY_KEYS.find((k) => `${stemOf(k)}.header` === rel);
        if (!rel || !key) return SKIPPED;
        const stem = await storeVariant(h.root, rel, key, value, body, Date.now(), h.tmpName);
        return stem ? `${stem}.header` : 'skipped (not a directory)';
      }))],

    ['varyRemove', nat.map((n) => new Cmd(`varyRemove(variant#${n})`, async (h) => {
      const e = pick((await viewTree(h.root)).entries.filter((x) => x.variant), n);
      if (!e) return SKIPPED;
      await unlink(join(h.root, e.header));
      if (e.data) await unlink(join(h.root, e.data));
      await rmdirUp(h.root, dirname(e.header));
      return e.header;
    }))],

    // Only meaningful without root: root reads a mode 000 directory anyway (no EACCES).
    ['unreadable', nat.map((n) => new Cmd(`chmod000(dir#${n})`, async (h) => {
      const rel = pick((await viewTree(h.root)).dirs, n);
      if (!rel) return SKIPPED;
      h.noteLocked(join(h.root, rel));
      await chmod(join(h.root, rel), 0);
      return rel;
    }, () => !IS_ROOT))],

    ['logAppend', fc.record({
      lines: fc.array(fc.record({ n: nat, agoH: fc.integer({ min: 0, max: 72 }), status: fc.constantFrom(200, 200, 304, 404) }), { minLength: 1, maxLength: 4 }),
      junk: fc.boolean(),
    }).map(({ lines, junk }) => new Cmd(`logAppend(${lines.map((l) => `entry#${l.n} ${l.agoH}h ago ${l.status}`).join('; ')}${junk ? '; junk' : ''})`, async (h) => {
      const entries = (await viewTree(h.root)).entries;
      let text = '';
      for (const l of lines) text += logLine(pick(entries, l.n)?.key ?? PLAIN_KEYS[l.n % PLAIN_KEYS.length], h.now - l.agoH * HOUR, l.status);
      if (junk) text += 'this is not a log line\n';
      await appendFile(join(h.logs, 'access_log'), text);
      return text.trim().split('\n').map((l) => l.replace(/^.*\[(.*)\] "GET (\S+).*" (\d+).*$/, '$2 at $1 ($3)')).join('; ');
    }, (m) => m.useLog))],

    // logrotate: move + create, gzip of the last rotated file, or copytruncate.
    ['logRotate', fc.constantFrom('move', 'gzip', 'copytruncate').map((how) => new Cmd(`logRotate(${how})`, async (h) => {
      const live = join(h.logs, 'access_log');
      const rotated = (await readdir(h.logs)).filter((x) => /^access_log\.\d+(\.gz)?$/.test(x));
      if (how === 'gzip') {
        const plain = rotated.filter((x) => !x.endsWith('.gz')).sort()[0];
        if (!plain) return 'skipped (no rotated plain log)';
        await writeFile(join(h.logs, `${plain}.gz`), gzipSync(await readFile(join(h.logs, plain))));
        await unlink(join(h.logs, plain));
        return `${plain} → ${plain}.gz`;
      }
      const num = (x: string) => Number(x.split('.')[1]);
      for (const x of rotated.sort((p, q) => num(q) - num(p))) await rename(join(h.logs, x), join(h.logs, x.replace(/\.\d+/, `.${num(x) + 1}`)));
      if (how === 'move') {
        await rename(live, `${live}.1`);
        await writeFile(live, '');
      } else {
        await writeFile(`${live}.1`, await readFile(live));
        await truncate(live, 0);
      }
      return `access_log → access_log.1 (${how})`;
    }, (m) => m.useLog))],

    ['run', fc.record({ usage, fraction: fc.constantFrom(0, 0.3, 0.5, 0.7), expiredFirst: fc.boolean() }).map((p) => new Cmd(
      `run(limit ${p.fraction} of ${p.usage}${p.expiredFirst ? ', expired first' : ''})`, async (h) => `equal (cache ${await checkEquivalence(h, p)} B)`))],

    ['pruneForReal', fc.record({ usage, fraction: fc.constantFrom(0.3, 0.5, 0.7) }).map((p) => new Cmd(
      `pruneForReal(limit ${p.fraction} of ${p.usage})`, (h) => pruneForReal(h, p)))],
  ];
  // CACHECTL_FUZZ_SKIP=chmod,setTimes leaves commands out (to look past a known divergence);
  // CACHECTL_FUZZ_ONLY=... keeps only those (run and pruneForReal always stay).
  const skip = new Set((process.env.CACHECTL_FUZZ_SKIP ?? '').split(',').filter(Boolean));
  const only = new Set((process.env.CACHECTL_FUZZ_ONLY ?? '').split(',').filter(Boolean));
  const keep = a.filter(([name]) => name === 'run' || name === 'pruneForReal' || (!skip.has(name) && (only.size === 0 || only.has(name))));
  return keep.map(([, arb]) => arb);
}

/**
 * The property: a fresh tree with a saved index, a history of commands, then a last
 * equivalence check and a real prune. A failure carries the history as it resolved.
 */
export function historyProperty(parent: string, maxCommands: number) {
  const setup = fc.record({ useLog: fc.boolean(), walker: fc.constantFrom(...READERS), usage, fraction: fc.constantFrom(0, 0.5), finalPrune: fc.boolean() });
  return fc.asyncProperty(setup, fc.commands(commandArbitraries(), { maxCommands }), async ({ useLog, walker, usage: u, fraction, finalPrune }, cmds) => {
    const h = await timed('create', () => History.create(parent, useLog, walker));
    try {
      await fc.asyncModelRun(() => ({ model: { useLog }, real: h }), cmds);
      let size = 0;
      await h.step(`end. run(limit ${fraction} of ${u})`, async () => {
        size = await timed('end: run', () => checkEquivalence(h, { usage: u, fraction, expiredFirst: false }));
        return `equal (cache ${size} B)`;
      });
      // Half the histories end with a real prune (budget); pruneForReal is also a command.
      if (finalPrune) await h.step(`end. pruneForReal(limit 0.5 of ${u})`, () => timed('end: pruneForReal', () => pruneForReal(h, { usage: u, fraction: 0.5, size })));
    } catch (e) {
      const err = e as Error;
      // Not our finding: skip the history (fast-check counts it as skipped, not as passed).
      if (e instanceof Divergence && (await h.disturbed())) {
        disturbedHistories++;
        fc.pre(false);
      }
      if (SURVEY && e instanceof Divergence) {
        const kind = err.message.split('\n').slice(0, 2).join(' / ').replace(/\d+(\.\d+)?/g, 'N').replace(/"[^"]*"/g, '"…"');
        const s = survey.get(kind);
        const example = `${err.message}\n  history (reader ${walker}, access log ${useLog ? 'on' : 'off'}):\n    ${h.trace.join('\n    ')}`;
        if (!s) survey.set(kind, { count: 1, example, commands: h.trace.length });
        else {
          s.count++;
          if (h.trace.length < s.commands) Object.assign(s, { example, commands: h.trace.length });
        }
        return;
      }
      err.message = `${err.message}\n  history (reader ${walker}, access log ${useLog ? 'on' : 'off'}):\n    ${h.trace.join('\n    ')}`;
      throw err;
    } finally {
      h.dispose();
    }
  });
}
