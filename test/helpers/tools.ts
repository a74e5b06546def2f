import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readSync, realpathSync } from 'node:fs';
import { nativeState, type NativeState } from '../../src/core/native/load.js';

/**
 * Tests that need Debian's apache2 / apache2-utils skip with a visible reason where
 * they are missing. CI sets CACHECTL_REQUIRE_APACHE=1, which turns such a skip into a
 * failure, so a green CI always ran them.
 */
export const REQUIRE_APACHE = process.env.CACHECTL_REQUIRE_APACHE === '1';

/** Any program on the usual paths (for Apache's own, which must not be ours: findApacheTool). */
export function which(tool: string): string | null {
  for (const dir of ['/usr/sbin', '/usr/bin', '/sbin', '/bin', ...(process.env.PATH ?? '').split(':')]) {
    if (dir && existsSync(`${dir}/${tool}`)) return `${dir}/${tool}`;
  }
  try {
    return execFileSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
}

const ELF = Buffer.from([0x7f, 0x45, 0x4c, 0x46]);

/** Is `path` (through its symlinks) a compiled program? Scripts start with "#!". */
export function isCompiled(path: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(realpathSync(path), 'r');
    const head = Buffer.alloc(4);
    return readSync(fd, head, 0, 4, 0) === 4 && head.equals(ELF);
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Where Debian (and Gentoo) install Apache's programs, then the PATH. */
export const TOOL_DIRS = ['/usr/sbin', '/usr/bin', '/sbin', '/bin', ...(process.env.PATH ?? '').split(':').filter(Boolean)];

/**
 * Apache's own program, never cachectl's drop-in: `cachectl compat install` links our
 * bin/htcacheclean.js (a node script) into /usr/local/bin (older versions' `npm install -g`
 * did, into /usr/bin with prefix /usr), and a comparison of cachectl with itself passes
 * every time. Apache's tools are
 * compiled: a script of the same name is refused, and named in the skip reason.
 */
export function findApacheTool(tool: string, dirs: readonly string[] = TOOL_DIRS): { path: string | null; refused: string[] } {
  const refused: string[] = [];
  for (const dir of new Set(dirs)) {
    const p = `${dir}/${tool}`;
    if (!existsSync(p)) continue;
    if (isCompiled(p)) return { path: p, refused };
    refused.push(p);
  }
  return { path: null, refused };
}

/**
 * Returns Apache's `tool`, or a skip reason. Throws when CACHECTL_REQUIRE_APACHE=1 and
 * it is missing.
 */
export function needTool(tool: string, pkg: string, dirs?: readonly string[]): { path: string | null; reason: string } {
  const { path, refused } = findApacheTool(tool, dirs);
  const notOurs = refused.length ? ` (${refused.join(', ')} is a script, not Apache's: cachectl's own drop-in?)` : '';
  const reason = `${tool} not found${notOurs}: install Debian's ${pkg} (apt-get install ${pkg}) to run these tests`;
  if (!path && REQUIRE_APACHE) throw new Error(`CACHECTL_REQUIRE_APACHE=1 but ${reason}`);
  return { path, reason };
}

/**
 * The native directory reader (native/, built by `npm ci`). Missing, its tests skip with
 * the reason; CI sets CACHECTL_REQUIRE_NATIVE=1, which makes a missing build a failure.
 */
export function needNative(): NativeState {
  const state = nativeState();
  if (!state.binding && process.env.CACHECTL_REQUIRE_NATIVE === '1') {
    throw new Error(`CACHECTL_REQUIRE_NATIVE=1 but the native reader is ${state.reason}: run npm ci (needs make and a C compiler)`);
  }
  return state;
}

