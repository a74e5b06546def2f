import { open, stat } from 'node:fs/promises';
import { CachectlError, UsageError } from '../errors.js';
import { logLines } from '../accessLog/logLines.js';
import type { RecordParser } from './logRecord.js';

/** Lines read to find a file's first timestamp before giving up on it. */
const PEEK_LINES = 1000;

async function firstTime(path: string, parse: RecordParser): Promise<number> {
  let seen = 0;
  try {
    for await (const batch of logLines(path)) {
      for (const line of batch) {
        const r = parse(line);
        if (r) return r.time;
        if (++seen >= PEEK_LINES) return Infinity;
      }
    }
  } catch {
    // A damaged file: the full read reports it.
  }
  return Infinity;
}

/**
 * The logs in the order their requests happened: an LRU replay must see yesterday
 * before today, but `access_log*` lists `access_log` (newest) first and `.10` before
 * `.2`. Ordered by each file's first timestamp; a file named twice (or through a
 * symlink) is read once. A missing log is a usage error, an unreadable one exit 1.
 */
export async function orderLogs(paths: readonly string[], parse: RecordParser): Promise<string[]> {
  const seen = new Set<string>();
  const files: { path: string; first: number; i: number }[] = [];
  for (const [i, path] of paths.entries()) {
    let st;
    try {
      st = await stat(path);
      await (await open(path, 'r')).close();
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw new UsageError(`access log ${path} does not exist`);
      throw new CachectlError(`cannot read access log ${path} (${code})`, 1);
    }
    if (!st.isFile()) throw new UsageError(`access log ${path} is not a file`);
    const id = `${st.dev}:${st.ino}`;
    if (seen.has(id)) continue;
    seen.add(id);
    files.push({ path, first: await firstTime(path, parse), i });
  }
  return files.sort((a, b) => a.first - b.first || a.i - b.i).map((f) => f.path);
}
