import { lstat, readdir, rmdir, unlink } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';

export interface RemoveOutcome {
  /** Files (and, for vary groups, directories) removed, or that a dry run would remove. */
  files: number;
  dirs: number;
  errors: { path: string; code: string }[];
}

type Errno = NodeJS.ErrnoException;
const codeOf = (e: unknown): string => (e as Errno).code ?? 'EIO';

/**
 * Removes one cache entry or Vary group at `stem` (relative to `root`). Order matters
 * to a live httpd: the header goes before its body, so a reader sees a clean miss and
 * never a header pointing at a missing body. For a Vary group the variants go first
 * and the index last: if we are stopped half-way, the index still leads a rerun to the
 * rest by hash. ENOENT means already gone and is not an error.
 */
export async function removeStem(root: string, stem: string, dryRun: boolean): Promise<RemoveOutcome> {
  const out: RemoveOutcome = { files: 0, dirs: 0, errors: [] };
  const base = join(root, stem);
  const vary = `${base}.header.vary`;
  let isVaryDir = false;
  try {
    isVaryDir = (await lstat(vary)).isDirectory();
  } catch (e) {
    if (codeOf(e) !== 'ENOENT') out.errors.push({ path: vary, code: codeOf(e) });
  }
  if (isVaryDir) await removeTree(vary, dryRun, out);
  await removeFile(`${base}.header`, dryRun, out);
  await removeFile(`${base}.data`, dryRun, out);
  return out;
}

async function removeFile(path: string, dryRun: boolean, out: RemoveOutcome): Promise<void> {
  try {
    if (dryRun) {
      if (!(await lstat(path)).isDirectory()) out.files++;
      return;
    }
    await unlink(path);
    out.files++;
  } catch (e) {
    if (codeOf(e) !== 'ENOENT') out.errors.push({ path, code: codeOf(e) });
  }
}

/** Headers before bodies in each directory, subdirectories depth-first, then rmdir. */
async function removeTree(dir: string, dryRun: boolean, out: RemoveOutcome): Promise<void> {
  let dirents;
  try {
    dirents = await readdir(dir, { withFileTypes: true });
  } catch (e) {
    if (codeOf(e) !== 'ENOENT') out.errors.push({ path: dir, code: codeOf(e) });
    return;
  }
  const rank = (name: string) => (/\.header$/i.test(name) ? 0 : 1);
  const files = dirents.filter((d) => !d.isDirectory()).sort((a, b) => rank(a.name) - rank(b.name));
  for (const d of files) await removeFile(join(dir, d.name), dryRun, out);
  for (const d of dirents) if (d.isDirectory()) await removeTree(join(dir, d.name), dryRun, out);
  if (dryRun) { out.dirs++; return; }
  try {
    await rmdir(dir);
    out.dirs++;
  } catch (e) {
    // httpd may have stored a new variant meanwhile: that one stays (as htcacheclean).
    const code = codeOf(e);
    if (code !== 'ENOENT' && code !== 'ENOTEMPTY' && code !== 'EEXIST') out.errors.push({ path: dir, code });
  }
}

/** rmdir `dir` and its parents up to (never including) `root`; stops at the first non-empty. */
export async function removeEmptyParents(root: string, dir: string): Promise<number> {
  let removed = 0;
  for (let d = dir; d.startsWith(root + sep) && d !== root; d = dirname(d)) {
    try {
      await rmdir(d);
      removed++;
    } catch {
      break;
    }
  }
  return removed;
}
