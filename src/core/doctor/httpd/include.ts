import { posix } from 'node:path';
import type { SysRoot } from '../system/sysRoot.js';

/** At most this many files and directories per Include: `Include /` must not walk a disk. */
export const INCLUDE_BUDGET = { files: 2000, dirs: 500 };

export interface Expansion {
  /** Files to read, in httpd's order. */
  readonly files: string[];
  /** Why the Include fails or is cut short (httpd refuses to start for the `fatal` ones). */
  readonly problem: { message: string; fatal: boolean } | null;
  /** Directories that could not be listed (root's httpd can): their files are unknown. */
  readonly unlisted: string[];
}

const WILD = /[*?[]/;

/**
 * apr_fnmatch with APR_FNM_PERIOD, as httpd matches an Include's wildcard component:
 * `*` and `?` never match a leading dot, `[a-z]`/`[!a-z]` are classes.
 */
export function fnmatch(pattern: string, name: string): boolean {
  if (name.startsWith('.') && !pattern.startsWith('.')) return false;
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) { re += '\\['; continue; }
      let body = pattern.slice(i + 1, end);
      const neg = body.startsWith('!') || body.startsWith('^');
      if (neg) body = body.slice(1);
      re += `[${neg ? '^' : ''}${body.replace(/[\\\]^]/g, '\\$&')}]`;
      i = end;
    } else re += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(re + '$', 's').test(name);
}

/**
 * The files an `Include`/`IncludeOptional` argument names, the way httpd expands it
 * (config.c, ap_process_fnmatch_configs): relative to ServerRoot; a directory means
 * every file below it, recursively, sorted by name; a wildcard may stand in any
 * component (directories only before the last). A missing path or a wildcard that
 * matches nothing stops httpd for Include and is ignored by IncludeOptional.
 */
export async function expandInclude(sys: SysRoot, arg: string, serverRoot: string, optional: boolean): Promise<Expansion> {
  const path = posix.resolve(serverRoot, arg);
  const budget = { files: INCLUDE_BUDGET.files, dirs: INCLUDE_BUDGET.dirs, cut: false, unlisted: [] as string[] };
  const files: string[] = [];
  const unlisted = budget.unlisted;
  const directive = optional ? 'IncludeOptional' : 'Include';

  if (!WILD.test(path)) {
    const st = await sys.statOrCode(path);
    if (typeof st === 'string') {
      if (optional && st === 'ENOENT') return { files, problem: null, unlisted };
      // An unreadable path is read (and reported) by the caller: httpd, as root, would see it.
      if (st === 'EACCES') return { files: [path], problem: null, unlisted };
      return { files, problem: { message: `${directive} ${path}: ${st === 'ENOENT' ? 'no such file or directory' : st}`, fatal: !optional }, unlisted };
    }
    if (st.isDirectory()) await walkDir(sys, path, files, budget);
    else files.push(path);
    return { files, problem: cutProblem(directive, path, budget), unlisted };
  }

  // Components up to the first wildcard are fixed; each later one is matched in turn.
  const parts = path.split('/').filter(Boolean);
  let bases = ['/'];
  for (let i = 0; i < parts.length; i++) {
    const lastPart = i === parts.length - 1;
    if (!WILD.test(parts[i])) {
      bases = bases.map((b) => posix.join(b, parts[i]));
      continue;
    }
    const next: string[] = [];
    for (const base of bases) {
      const names = await sys.list(base);
      if (typeof names === 'string') { if (names === 'EACCES' || names === 'EPERM') unlisted.push(base); continue; }
      for (const n of names) {
        if (!fnmatch(parts[i], n)) continue;
        const p = posix.join(base, n);
        const st = await sys.stat(p);
        if (!lastPart) { if (st?.isDirectory()) next.push(p); continue; }
        if (st?.isDirectory()) await walkDir(sys, p, files, budget);
        else next.push(p);
      }
    }
    bases = next;
    if (lastPart) files.push(...bases);
  }
  // A path whose last component is fixed but an earlier one wild: those bases are the files.
  if (!WILD.test(parts[parts.length - 1] ?? '')) {
    for (const b of bases) {
      const st = await sys.stat(b);
      if (st?.isDirectory()) await walkDir(sys, b, files, budget);
      else if (st) files.push(b);
    }
  }
  if (files.length === 0 && !optional && unlisted.length === 0) {
    return { files, problem: { message: `Include ${path}: the wildcard matches nothing (httpd refuses to start; IncludeOptional would ignore it)`, fatal: true }, unlisted };
  }
  return { files, problem: cutProblem(directive, path, budget), unlisted };
}

function cutProblem(directive: string, path: string, budget: { cut: boolean }): Expansion['problem'] {
  return budget.cut
    ? { message: `${directive} ${path} names more than ${INCLUDE_BUDGET.files} files or ${INCLUDE_BUDGET.dirs} directories: only the first were read`, fatal: false }
    : null;
}

/** Every file below dir, sorted per directory, depth first (httpd's directory include). */
async function walkDir(sys: SysRoot, dir: string, out: string[], budget: { files: number; dirs: number; cut: boolean; unlisted: string[] }): Promise<void> {
  if (budget.dirs-- <= 0) { budget.cut = true; return; }
  const names = await sys.list(dir);
  if (typeof names === 'string') { budget.unlisted.push(dir); return; }
  for (const n of names) {
    const p = posix.join(dir, n);
    const st = await sys.stat(p);
    if (st?.isDirectory()) await walkDir(sys, p, out, budget);
    else {
      if (budget.files-- <= 0) { budget.cut = true; return; }
      out.push(p);
    }
  }
}
