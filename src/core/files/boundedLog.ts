import { appendFile, mkdir, readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { replaceFile } from './replaceFile.js';

/**
 * Appends `text` (whole lines) to a line log that must stay under `maxBytes` (the run
 * log, the eviction journal). Below the bound it is a plain O_APPEND. Past it, the log is
 * rewritten with its newest lines that `keep` accepts, up to half the bound (so the next
 * rewrite is far off), and replaced atomically: a crash leaves the old log or the new one.
 */
export async function appendBounded(path: string, text: string, maxBytes: number, keep: (line: string) => boolean = () => true): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const size = (await stat(path).catch(() => null))?.size ?? 0;
  if (size + Buffer.byteLength(text) <= maxBytes) return appendFile(path, text, { mode: 0o600 });
  const lines = ((await readFile(path, 'utf8').catch(() => '')) + text).split('\n').filter((l) => l !== '' && keep(l));
  let from = lines.length, bytes = 0;
  while (from > 0 && bytes + Buffer.byteLength(lines[from - 1]) + 1 <= maxBytes / 2) bytes += Buffer.byteLength(lines[--from]) + 1;
  await replaceFile(path, lines.slice(from).map((l) => l + '\n').join(''), 0o600);
}

/**
 * The lines of such a log that `parse` accepts (null: a line cut by a crash or a full
 * disk, or not ours), in file order; a missing or unreadable log has none.
 */
export async function readBounded<T>(path: string, parse: (line: string) => T | null): Promise<T[]> {
  const text = await readFile(path, 'utf8').catch(() => '');
  const out: T[] = [];
  for (const line of text.split('\n')) {
    const v = line ? parse(line) : null;
    if (v !== null) out.push(v);
  }
  return out;
}
