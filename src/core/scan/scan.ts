import { lstat, realpath } from 'node:fs/promises';
import { walk, type WalkError } from './walk.js';
import { classifyApacheDir, classifyFilesDir, type ClassifyTotals } from './classify.js';
import { detectFormat, detectLayout, type CacheFormat } from './detect.js';
import { Kind, UnitTable } from './table.js';
import type { Layout } from '../format/key.js';
import { CacheRootError } from '../errors.js';
import { noopLog, type Log } from '../log.js';
import { LOCK_NAME } from '../lock.js';

const OWN_PREFIX = LOCK_NAME;

export interface ScanOptions {
  readonly root: string;
  readonly format?: CacheFormat | 'auto';
  readonly signal?: AbortSignal;
  readonly log?: Log;
  /** Called after each directory; the CLI throttles it into a TTY progress line. */
  readonly onProgress?: (p: ScanProgress) => void;
  readonly concurrency?: number;
  /** Injected clock (ms), so tests are exact. */
  readonly now?: number;
}

export interface ScanProgress {
  files: number;
  directories: number;
  bytes: number;
}

export interface Snapshot {
  /** Absolute, symlinks of the root itself resolved (as htcacheclean's chdir does). */
  readonly root: string;
  readonly format: CacheFormat;
  readonly layout: Layout | null;
  readonly table: UnitTable;
  readonly startedAt: number;
  readonly finishedAt: number;
  readonly files: number;
  readonly directories: number;
  /** Blocks of the directories themselves (du counts them; nothing can evict them). */
  readonly dirDisk: number;
  readonly foreign: { files: number; bytes: number; disk: number; samples: string[] };
  /** Symlinks and special files seen (never followed or touched). */
  readonly others: number;
  readonly vanished: number;
  readonly errors: WalkError[];
  readonly interrupted: boolean;
}

/** Checks that `root` is a directory we can use and returns its real path. */
export async function resolveRoot(root: string): Promise<string> {
  let st;
  try {
    st = await lstat(root);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new CacheRootError(`cache directory ${root} does not exist`);
    if (code === 'EACCES') throw new CacheRootError(`cache directory ${root} cannot be read (permission denied)`, 1);
    throw new CacheRootError(`cache directory ${root} cannot be read (${code})`, 1);
  }
  const real = await realpath(root);
  if (!st.isDirectory() && !(st.isSymbolicLink() && (await lstat(real)).isDirectory())) {
    throw new CacheRootError(`${root} is not a directory`);
  }
  return real;
}

/** Walks the whole cache once and returns every unit, classified, with totals. */
export async function scan(opts: ScanOptions): Promise<Snapshot> {
  const log = opts.log ?? noopLog;
  const root = await resolveRoot(opts.root);
  // Real wall-clock start (not the injected `now`): compared with file ctimes to spot
  // entries written while we scanned.
  const startedAt = Date.now();
  const format = !opts.format || opts.format === 'auto' ? await detectFormat(root) : opts.format;
  log.debug?.(`scanning ${root} as ${format}`);
  const table = new UnitTable(1 << 14);
  const totals: ClassifyTotals = { foreignFiles: 0, foreignBytes: 0, foreignDisk: 0, foreignSamples: [], headerErrors: [], vanished: 0 };
  const errors: WalkError[] = [];
  const progress: ScanProgress = { files: 0, directories: 0, bytes: 0 };
  let dirDisk = 0;
  let others = 0;
  let vanished = 0;

  const completed = await walk({
    root,
    signal: opts.signal,
    concurrency: opts.concurrency,
    wantsHeader: format === 'apache' ? (name) => name.toLowerCase().endsWith('.header') : () => false,
    onError: (e) => errors.push(e),
    onVanished: () => vanished++,
    onDir: (walked) => {
      // Our own lock file lives in the root: it is not part of the cache.
      const dir = walked.rel === '' ? { ...walked, files: walked.files.filter((f) => !f.name.startsWith(OWN_PREFIX)) } : walked;
      if (dir.rel !== '') progress.directories++;
      if (dir.stat) dirDisk += dir.stat.blocks * 512;
      others += dir.others;
      progress.files += dir.files.length;
      for (const f of dir.files) progress.bytes += f.stat.size;
      if (format === 'apache') classifyApacheDir(dir, table, totals);
      else classifyFilesDir(dir, table);
      opts.onProgress?.(progress);
    },
  });

  for (const e of totals.headerErrors) errors.push({ path: `${root}/${e.path}`, code: e.code });
  return {
    root, format, table, startedAt,
    layout: format === 'apache' ? detectLayout(table) : null,
    finishedAt: Date.now(),
    files: progress.files,
    directories: progress.directories,
    dirDisk, others,
    foreign: { files: totals.foreignFiles, bytes: totals.foreignBytes, disk: totals.foreignDisk, samples: totals.foreignSamples },
    vanished: vanished + totals.vanished,
    errors,
    interrupted: !completed,
  };
}

/** Rows of the table that are servable entries (what `htcacheclean -A` lists). */
export function* entryRows(snap: Snapshot): Generator<number> {
  const { table } = snap;
  for (let i = 0; i < table.length; i++) if (table.kind[i] === Kind.Entry) yield i;
}
