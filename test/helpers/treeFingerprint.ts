import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Everything a deletion, creation, rename or write below `root` would change: per path
 * (lstat, symlinks never followed) its type and mode, owner, size, mtime in ns, and the
 * sha256 of a regular file's bytes (a link's target; a device's number). The root's own
 * mtime is in it too, so even a lock file made and removed again shows. Sockets, fifos
 * and devices are never opened.
 */
export function treeFingerprint(root: string): string[] {
  const out: string[] = [];
  const visit = (rel: string): void => {
    const abs = rel === '' ? root : join(root, rel);
    const st = lstatSync(abs, { bigint: true });
    let what = '';
    if (st.isFile()) what = createHash('sha256').update(readFileSync(abs)).digest('hex');
    else if (st.isSymbolicLink()) what = `-> ${readlinkSync(abs)}`;
    else if (st.isBlockDevice() || st.isCharacterDevice()) what = `dev ${st.rdev}`;
    out.push(`${rel || '.'} mode=${st.mode.toString(8)} uid=${st.uid} size=${st.size} mtime=${st.mtimeNs} ${what}`);
    if (st.isDirectory()) for (const name of readdirSync(abs).sort()) visit(rel === '' ? name : `${rel}/${name}`);
  };
  visit('');
  return out;
}
