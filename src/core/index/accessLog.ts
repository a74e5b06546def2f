import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { COMBINED, COMMON, compileLogFormat, type LineParser } from './logFormat.js';
import { Flag, Kind, type UnitTable } from '../scan/table.js';

export interface LogPosition { path: string; offset: number; size: number }

export interface AccessLogResult {
  lines: number;
  hits: number;
  matched: number;
  garbage: number;
  files: { path: string; from: number; to: number; gzip: boolean; skipped?: string }[];
  positions: Record<string, LogPosition>;
}

/** Common or combined, whichever the line fits (combined first: it is the longer). */
function defaultParser(): LineParser {
  const combined = compileLogFormat(COMBINED);
  const common = compileLogFormat(COMMON);
  return (line) => combined(line) ?? common(line);
}

/** `http://host:80/path?q` -> `/path?q`; files mode keys are relative paths already. */
function keyPath(key: string): string {
  const m = /^[a-z][a-z0-9+.-]*:\/\/[^/]*(\/.*)$/i.exec(key);
  return m ? m[1] : `/${key}`;
}

async function lastByte(path: string, size: number): Promise<number> {
  const fh = await open(path, 'r');
  try {
    const b = Buffer.alloc(1);
    await fh.read(b, 0, 1, size - 1);
    return b[0];
  } finally {
    await fh.close();
  }
}

async function isGzip(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const b = Buffer.alloc(2);
    await fh.read(b, 0, 2, 0);
    return b[0] === 0x1f && b[1] === 0x8b;
  } finally {
    await fh.close();
  }
}

/**
 * Reads access logs from where the last run stopped (by inode: a rotated log keeps its
 * inode under its new name, so `access_log.1` is finished, not re-read) and raises the
 * recency of every entry a request named. Makes LRU exact on noatime mounts. Gzip logs
 * are read whole once (keyed by inode and size); re-reading is harmless (times only rise).
 */
export async function applyAccessLogs(
  table: UnitTable, files: readonly string[], prev: Record<string, LogPosition>, opts: { format?: string } = {},
): Promise<AccessLogResult> {
  const parse = opts.format ? compileLogFormat(opts.format) : defaultParser();
  // Built at the first request only: decoding every key costs ~1 s at 500k entries, for
  // nothing when the logs have no new lines since the last run.
  let map: Map<string, number[]> | undefined;
  const byPath = (): Map<string, number[]> => {
    if (map) return map;
    map = new Map();
    for (let i = 0; i < table.length; i++) {
      if (table.kind[i] !== Kind.Entry) continue;
      const p = keyPath(table.key.get(i));
      const rows = map.get(p);
      if (rows) rows.push(i); else map.set(p, [i]);
    }
    return map;
  };
  const r: AccessLogResult = { lines: 0, hits: 0, matched: 0, garbage: 0, files: [], positions: {} };
  for (const path of files) {
    let st;
    try {
      st = await stat(path);
    } catch (e) {
      r.files.push({ path, from: 0, to: 0, gzip: false, skipped: (e as NodeJS.ErrnoException).code });
      continue;
    }
    const id = `${st.dev}:${st.ino}`;
    const gzip = await isGzip(path);
    const seen = prev[id];
    if (gzip && seen && seen.size === st.size) {
      r.positions[id] = seen;
      r.files.push({ path, from: st.size, to: st.size, gzip, skipped: 'already read' });
      continue;
    }
    // A plain log that shrank was truncated in place (copytruncate): start over.
    const from = !gzip && seen && seen.offset <= st.size ? seen.offset : 0;
    if (!gzip && from >= st.size) {
      r.positions[id] = { path, offset: from, size: st.size };
      r.files.push({ path, from, to: from, gzip });
      continue;
    }
    const stream: Readable = gzip ? createReadStream(path).pipe(createGunzip()) : createReadStream(path, { start: from, end: st.size - 1 });
    let consumed = 0;
    let lastLen = 0;
    const lines = createInterface({ input: stream, crlfDelay: Infinity });
    for await (const line of lines) {
      lastLen = Buffer.byteLength(line) + 1;
      consumed += lastLen;
      r.lines++;
      const hit = parse(line);
      if (!hit) { r.garbage++; continue; }
      if (hit.status >= 400) continue;
      r.hits++;
      const rows = byPath().get(`${hit.path}?${hit.query}`) ?? byPath().get(hit.path);
      if (!rows) continue;
      for (const i of rows) {
        r.matched++;
        const col = table.flags[i] & Flag.HasData ? table.f64.dataAtime : table.f64.hdrAtime;
        if (hit.time > col[i]) col[i] = hit.time;
      }
    }
    // A last line without its newline may still be being written: read it next time.
    const complete = gzip || st.size === 0 || (await lastByte(path, st.size)) === 0x0a;
    const to = gzip ? st.size : Math.min(st.size, from + consumed - (complete ? 0 : lastLen));
    r.positions[id] = { path, offset: to, size: st.size };
    r.files.push({ path, from, to, gzip });
  }
  return r;
}
