import { open, stat } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { logLines } from './logLines.js';
import { COMBINED, COMMON, compileLogFormat, type LineParser } from './logFormat.js';
import { Kind, type UnitTable } from '../table/table.js';

/** Where each log was left, by "dev:ino" (the index saves them): offset, size, and a hash of its head. */
export type LogPositions = Record<string, { path: string; offset: number; size: number; head?: string; headLen?: number }>;

/** Latest request time (ms) per requested `path?query`, from every log line read so far. */
type LogUse = Record<string, number>;

/** Bytes of a log's start that identify it (a few lines with their timestamps). */
const HEAD_BYTES = 512;

export interface AccessLogResult {
  lines: number;
  hits: number;
  matched: number;
  garbage: number;
  files: { path: string; from: number; to: number; gzip: boolean; skipped?: string }[];
  /**
   * Where this run stopped in each log file, by "dev:ino". `head` is a hash of the file's
   * first `headLen` bytes: ext4 hands a freed inode out again at once (logrotate's `create`
   * can give the new log the old inode), and copytruncate refills a file in place, so the
   * inode alone does not say that this is the file that was read.
   */
  positions: LogPositions;
  use: LogUse;
}

/** Common or combined, whichever the line fits (combined first: it is the longer). */
function defaultParser(): LineParser {
  const combined = compileLogFormat(COMBINED);
  const common = compileLogFormat(COMMON);
  return (line) => combined(line) ?? common(line);
}

/**
 * Entry rows by the path their key names (`http://host:80/path?q` -> `/path?q`; files
 * mode keys are relative paths already).
 */
function rowsByPath(table: UnitTable): Map<string, number[]> {
  const map = new Map<string, number[]>();
  for (let i = 0; i < table.length; i++) {
    if (table.kind[i] !== Kind.Entry) continue;
    const key = table.key.get(i);
    const p = /^[a-z][a-z0-9+.-]*:\/\/[^/]*(\/.*)$/i.exec(key)?.[1] ?? `/${key}`;
    const rows = map.get(p);
    if (rows) rows.push(i); else map.set(p, [i]);
  }
  return map;
}

/** Up to `length` bytes of the file at `position`. */
async function readAt(path: string, position: number, length: number): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const b = Buffer.alloc(length);
    const { bytesRead } = await fh.read(b, 0, length, position);
    return b.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/**
 * Reads access logs from where the last run stopped (by inode and content: a rotated log
 * keeps its inode under its new name, so `access_log.1` is finished, not re-read) and
 * keeps, per requested URL, the latest request time (`use`, saved in the index). Then
 * raises the recency of every entry a request named, from all requests ever read, not
 * only the new ones: the file times a re-read directory brings back must not undo an
 * older log line. So an indexed run ranks entries as a full run over the same logs does.
 * Gzip logs are read whole once (keyed by inode, size and head).
 */
export async function applyAccessLogs(
  table: UnitTable, files: readonly string[], prev: LogPositions, opts: { format?: string; use?: LogUse } = {},
): Promise<AccessLogResult> {
  const parse = opts.format ? compileLogFormat(opts.format) : defaultParser();
  const use: LogUse = { ...opts.use };
  const r: AccessLogResult = { lines: 0, hits: 0, matched: 0, garbage: 0, files: [], positions: {}, use };
  for (const path of files) {
    let st;
    try {
      st = await stat(path);
    } catch (e) {
      r.files.push({ path, from: 0, to: 0, gzip: false, skipped: (e as NodeJS.ErrnoException).code });
      continue;
    }
    const id = `${st.dev}:${st.ino}`;
    const start = await readAt(path, 0, HEAD_BYTES);
    const gzip = start[0] === 0x1f && start[1] === 0x8b;
    const hash = (len: number): string => createHash('sha1').update(start.subarray(0, len)).digest('hex');
    const headLen = Math.min(st.size, HEAD_BYTES);
    const head = hash(headLen);
    // The same inode with another beginning is another file: read it from the start.
    const known = prev[id];
    const seen = known && (known.head === undefined || (known.headLen! <= headLen && hash(known.headLen!) === known.head)) ? known : undefined;
    if (gzip && seen && seen.size === st.size) {
      r.positions[id] = seen;
      r.files.push({ path, from: st.size, to: st.size, gzip, skipped: 'already read' });
      continue;
    }
    // A plain log that shrank was truncated in place (copytruncate): start over.
    const from = !gzip && seen && seen.offset <= st.size ? seen.offset : 0;
    if (!gzip && from >= st.size) {
      r.positions[id] = { path, offset: from, size: st.size, head, headLen };
      r.files.push({ path, from, to: from, gzip });
      continue;
    }
    let consumed = 0;
    let lastLen = 0;
    for await (const batch of logLines(path, { gzip, start: from, end: st.size - 1 })) {
      for (const line of batch) {
        lastLen = Buffer.byteLength(line) + 1;
        consumed += lastLen;
        r.lines++;
        // A CRLF line ends in \r here (its bytes count): not part of the fields.
        const hit = parse(line.endsWith('\r') ? line.slice(0, -1) : line);
        if (!hit) { r.garbage++; continue; }
        if (hit.status >= 400) continue;
        r.hits++;
        const url = `${hit.path}?${hit.query}`;
        if (!(use[url] >= hit.time)) use[url] = hit.time;
      }
    }
    // A last line without its newline may still be being written: read it next time.
    const complete = gzip || st.size === 0 || (await readAt(path, st.size - 1, 1))[0] === 0x0a;
    const to = gzip ? st.size : Math.min(st.size, from + consumed - (complete ? 0 : lastLen));
    r.positions[id] = { path, offset: to, size: st.size, head, headLen };
    r.files.push({ path, from, to, gzip });
  }
  // Decoding every key is the dearest step here: only done when there is a URL to apply.
  let byPath: Map<string, number[]> | undefined;
  for (const url in use) {
    byPath ??= rowsByPath(table);
    // httpd's keys end in `?query` (an empty one too); an entry cached without it matches by path.
    const rows = byPath.get(url) ?? byPath.get(url.slice(0, url.indexOf('?')));
    if (!rows) continue;
    for (const i of rows) {
      r.matched++;
      const col = table.recencyAtime(i);
      if (use[url] > col[i]) col[i] = use[url];
    }
  }
  return r;
}
