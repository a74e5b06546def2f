import { randomBytes } from 'node:crypto';
import { chmod, open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** The temp file replaceFile writes beside `path` (a dot name, ending in .tmp). */
export const tempNameOf = (path: string): string => join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);

/**
 * Replaces `path` whole, atomically: the content goes to a temp file in the same directory
 * (same filesystem, so the rename is atomic; a dot name ending in .tmp, so nothing that
 * lists or globs the directory picks up half a file, be it node_exporter, a web server or
 * our own readers), which is then renamed over the target. A reader sees the old file or
 * the new one, never a mix; on any error the temp file is removed. `mode` is applied as
 * given, whatever the umask (a systemd unit's UMask=0027 would hide a metrics file from
 * node_exporter).
 */
export async function replaceFile(path: string, content: string | Uint8Array | ((fh: FileHandle) => Promise<void>), mode: number): Promise<void> {
  const tmp = tempNameOf(path);
  try {
    const fh = await open(tmp, 'wx', mode);
    try {
      if (typeof content === 'function') await content(fh);
      else await fh.writeFile(content);
    } finally {
      await fh.close();
    }
    await chmod(tmp, mode);
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => {});
    throw e;
  }
}
