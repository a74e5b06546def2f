import { randomBytes } from 'node:crypto';
import { chmod, rename, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Writes the page atomically: a temp file in the same directory (same filesystem, so
 * the rename is atomic; a dot name, so a web server's listing or a mailer never picks up
 * half a page), then rename over the target. 0644: a web server serves it as another user.
 */
export async function writePageFile(path: string, html: string): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(tmp, html);
    await chmod(tmp, 0o644);
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => {});
    throw e;
  }
}
