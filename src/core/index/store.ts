import { createHash } from 'node:crypto';
import { lstat, mkdir, readdir, unlink } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { MetaInput } from './format.js';
import type { UnitTable } from '../table/table.js';
import type { IndexWriter } from './writer.js';
import { replaceFile } from '../files/replaceFile.js';
import { readIndexFile, type LoadedMeta } from './decode.js';

/** One index per cache root, named by a hash of its real path. */
export function indexPath(stateDir: string, root: string): string {
  return join(stateDir, `index-${createHash('sha256').update(root).digest('hex').slice(0, 16)}.bin`);
}

export type LoadedIndex = { meta: LoadedMeta; table: UnitTable };

/**
 * Loads the index for `root` if it can be trusted as a starting point: same root path,
 * same root directory inode, same format. Anything else is a reason to rebuild.
 */
export async function loadIndex(stateDir: string, root: string, rootIno: number, format: string): Promise<{ index: LoadedIndex | null; reason: string }> {
  let d;
  try {
    d = await readIndexFile(indexPath(stateDir, root));
  } catch (e) {
    return { index: null, reason: (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no index yet' : `index unreadable (${(e as NodeJS.ErrnoException).code})` };
  }
  if (!d.ok) return { index: null, reason: d.reason };
  if (d.meta.root !== root) return { index: null, reason: 'index belongs to another root' };
  if (d.meta.rootIno !== rootIno) return { index: null, reason: 'cache root was replaced since the index was saved' };
  if (d.meta.format !== format) return { index: null, reason: `index was built for format ${d.meta.format}` };
  return { index: { meta: d.meta, table: d.table }, reason: 'index loaded' };
}

/** A save killed midway leaves its temp file (replaceFile's name): remove this root's that are over 10 min old. */
async function removeStaleTemps(stateDir: string, path: string): Promise<void> {
  const prefix = `.${basename(path)}.`;
  for (const name of await readdir(stateDir).catch(() => [] as string[])) {
    if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
    const p = join(stateDir, name);
    const st = await lstat(p).catch(() => null);
    if (st?.isFile() && Date.now() - st.mtimeMs > 600e3) await unlink(p).catch(() => {});
  }
}

/** Writes the index atomically (replaceFile): a reader never sees half a file. */
export async function saveIndex(stateDir: string, root: string, meta: MetaInput, rows: IndexWriter): Promise<string> {
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  const path = indexPath(stateDir, root);
  await removeStaleTemps(stateDir, path);
  await replaceFile(path, (fh) => rows.writeTo(fh, meta), 0o600);
  return path;
}
