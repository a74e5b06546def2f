import { constants, type Stats } from 'node:fs';
import { lstat, open, readdir, readlink, realpath, stat } from 'node:fs/promises';
import { join, posix } from 'node:path';

/** What a read gave: the text, or why there is none. */
export type ReadResult =
  | { ok: true; text: string; bytes: number }
  | { ok: false; code: 'ENOENT' | 'EACCES' | 'ENOTFILE' | 'TOOBIG' | 'BINARY' | string; size?: number };

/** Files larger than this are not read (a configuration file never is; a hostile one may be). */
export const MAX_TEXT_BYTES = 4 << 20;

const O_NONBLOCK = constants.O_NONBLOCK ?? 0;

/**
 * The machine being checked, seen through `root` (default `/`): every path in httpd's
 * configuration, in unit files and crontabs is a path on that machine, read at
 * join(root, path). Tests point root at a fixture tree; an admin may point it at a
 * mounted image. Only reads: nothing here writes, and nothing needs root beyond what
 * the files' modes say.
 *
 * An absolute symlink inside `root` still resolves against the real `/` (this is not a
 * chroot); relative ones (Debian's mods-enabled) stay inside.
 */
export class SysRoot {
  constructor(readonly root: string = '/') {}

  /** The real path of a path on the checked machine. */
  real(p: string): string {
    const abs = posix.resolve('/', p);
    return this.root === '/' ? abs : join(this.root, abs);
  }

  async stat(p: string): Promise<Stats | null> {
    try { return await stat(this.real(p)); } catch { return null; }
  }

  async lstat(p: string): Promise<Stats | null> {
    try { return await lstat(this.real(p)); } catch { return null; }
  }

  /** stat, with the error code kept (EACCES means "there, but hidden from us"). */
  async statOrCode(p: string): Promise<Stats | string> {
    try { return await stat(this.real(p)); } catch (e) { return (e as NodeJS.ErrnoException).code ?? 'EIO'; }
  }

  async readlink(p: string): Promise<string | null> {
    try { return await readlink(this.real(p)); } catch { return null; }
  }

  /** Canonical identity of a file (for include loops): its real path, or the path itself. */
  async identity(p: string): Promise<string> {
    try { return await realpath(this.real(p)); } catch { return this.real(p); }
  }

  /** Names in a directory, sorted as httpd sorts includes (byte order), or an error code. */
  async list(p: string): Promise<string[] | string> {
    try {
      return (await readdir(this.real(p))).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    } catch (e) {
      return (e as NodeJS.ErrnoException).code ?? 'EIO';
    }
  }

  /**
   * A small text file. Never blocks and never reads without bound: a FIFO, device or
   * directory is refused before it is opened (and the open is non-blocking besides),
   * at most `max` bytes are read, and a file with NUL bytes is binary, not text.
   */
  async readText(p: string, max = MAX_TEXT_BYTES): Promise<ReadResult> {
    const real = this.real(p);
    let st: Stats;
    try { st = await stat(real); } catch (e) { return { ok: false, code: (e as NodeJS.ErrnoException).code ?? 'EIO' }; }
    if (!st.isFile()) return { ok: false, code: st.isDirectory() ? 'EISDIR' : 'ENOTFILE' };
    if (st.size > max) return { ok: false, code: 'TOOBIG', size: st.size };
    let fh;
    try {
      fh = await open(real, constants.O_RDONLY | O_NONBLOCK);
      const fst = await fh.stat();
      if (!fst.isFile()) return { ok: false, code: 'ENOTFILE' };
      // One byte more than allowed: a file that grew since stat is still caught.
      const buf = Buffer.alloc(Math.min(max + 1, Math.max(fst.size, 0) + 1));
      let n = 0;
      for (;;) {
        const { bytesRead } = await fh.read(buf, n, buf.length - n, n);
        if (bytesRead === 0) break;
        n += bytesRead;
        if (n === buf.length) break;
      }
      if (n > max) return { ok: false, code: 'TOOBIG', size: n };
      const bytes = buf.subarray(0, n);
      if (looksBinary(bytes)) return { ok: false, code: 'BINARY', size: n };
      return { ok: true, text: bytes.toString('utf8'), bytes: n };
    } catch (e) {
      return { ok: false, code: (e as NodeJS.ErrnoException).code ?? 'EIO' };
    } finally {
      await fh?.close();
    }
  }
}

/** A read error as words for a sentence. */
export function readProblem(code: string, size?: number): string {
  switch (code) {
    case 'ENOENT': return 'does not exist';
    case 'EACCES': case 'EPERM': return 'cannot be read (permission denied)';
    case 'EISDIR': return 'is a directory';
    case 'ENOTFILE': return 'is not a regular file';
    case 'TOOBIG': return `is too large to be a configuration file (${size ?? '?'} bytes, more than ${MAX_TEXT_BYTES} read)`;
    case 'BINARY': return 'is binary data, not a text file';
    case 'ELOOP': return 'is a symlink loop';
    default: return `cannot be read (${code})`;
  }
}

/**
 * NUL bytes, or more than 1% control characters (other than tab, newlines, form feed)
 * in the first 64 KiB: not a text file. Random or compressed data trips both at once.
 */
export function looksBinary(bytes: Buffer): boolean {
  if (bytes.includes(0)) return true;
  const head = bytes.subarray(0, 65536);
  let control = 0;
  for (const b of head) if ((b < 0x20 && b !== 9 && b !== 10 && b !== 12 && b !== 13 && b !== 11) || b === 0x7f) control++;
  return control > head.length / 100;
}
