import { posix } from 'node:path';
import type { SysRoot } from './sysRoot.js';

/** Which program a name runs: cachectl's htcacheclean drop-in, Apache's binary, or nothing. */
export type ProgramKind = 'cachectl' | 'apache' | 'missing';

/** cron's PATH when a crontab sets none (Debian's cron and cronie alike). */
export const CRON_DEFAULT_PATH = '/usr/bin:/bin';

/**
 * Finds what `invoked` runs on the checked machine (through `pathVar` for a bare
 * name) and tells cachectl's drop-in from Apache's htcacheclean: a symlink into the
 * cachectl package, or a script that mentions cachectl, is the drop-in; a binary is
 * Apache's. This matters because cron's PATH (`/usr/bin:/bin` unless the crontab sets
 * one) finds Apache's /usr/bin/htcacheclean before the drop-in in /usr/local/bin.
 */
export async function whichProgram(sys: SysRoot, invoked: string, pathVar: string): Promise<{ path: string | null; kind: ProgramKind }> {
  const candidates = invoked.includes('/') ? [posix.resolve('/', invoked)] : pathVar.split(':').filter(Boolean).map((d) => posix.join(d, invoked));
  for (const p of candidates) {
    const l = await sys.lstat(p);
    if (!l) continue;
    if (l.isSymbolicLink() && /cachectl/.test((await sys.readlink(p)) ?? '')) return { path: p, kind: 'cachectl' };
    const st = await sys.stat(p);
    if (!st?.isFile()) continue;
    const r = await sys.readText(p, 1 << 20);
    if (r.ok && r.text.startsWith('#!') && /cachectl/.test(r.text)) return { path: p, kind: 'cachectl' };
    return { path: p, kind: 'apache' };
  }
  return { path: null, kind: 'missing' };
}
