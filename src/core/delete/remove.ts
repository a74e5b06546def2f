import { posix } from 'node:path';
import type { SafeTree, VerifiedDir } from '../safety/tree.js';

export interface RemoveOutcome {
  /** Files (and, for vary groups, directories) removed, or that a dry run would remove. */
  files: number;
  dirs: number;
  errors: { path: string; code: string }[];
}

type Errno = NodeJS.ErrnoException;
const codeOf = (e: unknown): string => (e as Errno).code ?? 'EIO';
const pathOf = (tree: SafeTree, rel: string, e: unknown): string => (e as Errno).path ?? posix.join(tree.root, rel);

/**
 * Removes one cache entry or Vary group at `stem` (relative to the root). Order matters
 * to a live httpd: the header goes before its body, so a reader sees a clean miss and
 * never a header pointing at a missing body. For a Vary group the variants go first
 * and the index last: if we are stopped half-way, the index still leads a rerun to the
 * rest by hash. ENOENT means already gone and is not an error. Every operation runs in
 * a directory reached from the root without following symlinks (SafeTree), so a hash
 * directory swapped for a symlink cannot redirect a deletion outside the cache.
 */
export async function removeStem(tree: SafeTree, stem: string, dryRun: boolean): Promise<RemoveOutcome> {
  const out: RemoveOutcome = { files: 0, dirs: 0, errors: [] };
  const dir = posix.dirname(stem) === '.' ? '' : posix.dirname(stem);
  const name = posix.basename(stem);
  const rel = (n: string) => (dir === '' ? n : `${dir}/${n}`);
  try {
    await tree.inDir(dir, async (d) => {
      let isVaryDir = false;
      try {
        isVaryDir = (await d.lstat(`${name}.header.vary`)).isDirectory();
      } catch (e) {
        if (codeOf(e) !== 'ENOENT') out.errors.push({ path: pathOf(tree, rel(`${name}.header.vary`), e), code: codeOf(e) });
      }
      if (isVaryDir) await removeTree(tree, rel(`${name}.header.vary`), dryRun, out);
      await removeFile(tree, d, dir, `${name}.header`, dryRun, out);
      await removeFile(tree, d, dir, `${name}.data`, dryRun, out);
    });
  } catch (e) {
    if (codeOf(e) !== 'ENOENT') out.errors.push({ path: pathOf(tree, dir, e), code: codeOf(e) });
  }
  return out;
}

async function removeFile(tree: SafeTree, d: VerifiedDir, dir: string, name: string, dryRun: boolean, out: RemoveOutcome): Promise<void> {
  try {
    if (dryRun) {
      if (!(await d.lstat(name)).isDirectory()) out.files++;
      return;
    }
    await d.unlink(name);
    out.files++;
  } catch (e) {
    if (codeOf(e) !== 'ENOENT') out.errors.push({ path: pathOf(tree, dir === '' ? name : `${dir}/${name}`, e), code: codeOf(e) });
  }
}

/** Headers before bodies in each directory, subdirectories depth-first, then rmdir. */
async function removeTree(tree: SafeTree, dir: string, dryRun: boolean, out: RemoveOutcome): Promise<void> {
  let subdirs: string[] = [];
  try {
    await tree.inDir(dir, async (d) => {
      const dirents = await d.readdir();
      const rank = (n: string) => (/\.header$/i.test(n) ? 0 : 1);
      const files = dirents.filter((x) => !x.isDirectory()).sort((a, b) => rank(a.name) - rank(b.name));
      for (const f of files) await removeFile(tree, d, dir, f.name, dryRun, out);
      subdirs = dirents.filter((x) => x.isDirectory()).map((x) => x.name);
    });
  } catch (e) {
    if (codeOf(e) !== 'ENOENT') out.errors.push({ path: pathOf(tree, dir, e), code: codeOf(e) });
    return;
  }
  for (const s of subdirs) await removeTree(tree, `${dir}/${s}`, dryRun, out);
  if (dryRun) { out.dirs++; return; }
  const parent = posix.dirname(dir) === '.' ? '' : posix.dirname(dir);
  try {
    await tree.inDir(parent, (d) => d.rmdir(posix.basename(dir)));
    out.dirs++;
  } catch (e) {
    // httpd may have stored a new variant meanwhile: that one stays (as htcacheclean).
    const code = codeOf(e);
    if (code !== 'ENOENT' && code !== 'ENOTEMPTY' && code !== 'EEXIST') out.errors.push({ path: pathOf(tree, dir, e), code });
  }
}
