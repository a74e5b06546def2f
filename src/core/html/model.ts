import type { Report } from '../report.js';
import type { RunRecord } from '../runLog/runLog.js';
import type { SizingResult } from '../sizing/sizing.js';
import { displayEscaped, displayText, elide } from './escape.js';
import { historyOf } from './historyModel.js';
import { sizingOf } from './sizingModel.js';
import type { Amount, DeadWeightClass, GentooPanelClass, LargestRow, PageModel, Ranking, Space } from './modelTypes.js';

export interface PageInput {
  report: Report;
  /** The report's `now` (ms): ages are counted from it. */
  now: number;
  /** report's --limit; else the last prune's target, from the run log. */
  limit?: number;
  /** The run log's records (null: no state dir, so no history). */
  runs?: readonly RunRecord[] | null;
  /** The sizing replay summarised twice: round sizes for the table, a dense grid for the chart. */
  sizing?: { table: SizingResult; dense: SizingResult } | null;
  /** Rows for rankings and the largest entries (capped at MAX_ROWS). */
  top?: number;
}

/** The most rows a ranking or table gets in the page: it must stay small enough to mail. */
export const MAX_ROWS = 100;
/** Longest key shown (code points): a key can be 3.5 KiB; both ends are kept. */
export const MAX_KEY_CHARS = 200;
const MAX_ERRORS = 20;

export function buildPageModel(input: PageInput): PageModel {
  const { report: r, now } = input;
  const raw = r.format === 'apache';
  const key = (s: string) => elide(displayText(s, raw), MAX_KEY_CHARS);
  const requested = input.top ?? Math.max(r.largest.length, r.byHost.length, r.byPath.length);
  const top = Math.min(requested, MAX_ROWS);
  const largest: LargestRow[] = r.largest.slice(0, top).map((e) => ({
    url: key(e.url), bytes: e.bytes, diskBytes: e.diskBytes, lastAccess: e.lastAccess,
    ageMs: Math.max(0, now - Date.parse(e.lastAccess)),
  }));
  const entries = { count: r.entries, bytes: r.entryBytes };
  return {
    schema: 1,
    generatedAt: new Date(now).toISOString(),
    cache: {
      root: elide(displayText(r.root), MAX_KEY_CHARS), format: r.format, layout: r.layout ? `CacheDirLevels ${r.layout.levels} x CacheDirLength ${r.layout.length}` : null,
      scannedAt: r.scannedAt, scanMs: r.scanMs, reader: displayText(r.reader),
      entries: r.entries, files: r.files, directories: r.directories, bytes: r.bytes, diskBytes: r.diskBytes, entryBytes: r.entryBytes,
      variants: r.variants, varyGroups: r.varyGroups, headerOnly: r.headerOnly, vanished: r.vanished,
    },
    space: spaceOf(r, input),
    deadWeight: deadWeightOf(r),
    age: { buckets: r.ageHistogram.map((b) => ({ label: b.label, count: b.count, bytes: b.bytes })), tailAgeMs: r.oldestAccess ? Math.max(0, now - Date.parse(r.oldestAccess)) : null },
    sizes: trimEmpty((r.sizeHistogram ?? []).map((b) => ({ label: b.label, count: b.count, bytes: b.bytes }))),
    hosts: ranking(r.byHost.map((h) => ({ name: h.host === '' ? '(none)' : key(h.host), count: h.count, bytes: h.bytes })), entries, top),
    paths: { ...ranking(r.byPath.map((p) => ({ name: key(p.segment), count: p.count, bytes: p.bytes })), entries, top), title: raw ? 'By first path segment' : 'By top directory' },
    largest,
    gentoo: gentooOf(r, top, key),
    history: input.runs ? historyOf(input.runs, now) : null,
    sizing: input.sizing ? sizingOf(input.sizing.table, input.sizing.dense) : null,
    errors: { count: r.errors.length, samples: r.errors.slice(0, MAX_ERRORS).map((e) => ({ path: elide(displayEscaped(e.path), MAX_KEY_CHARS), code: displayText(e.code) })) },
    capped: requested > top ? { top, requested } : null,
  };
}

function spaceOf(r: Report, input: PageInput): Space {
  const last = input.runs?.at(-1);
  const usage = last?.usage ?? 'disk';
  const limit = input.limit ?? last?.limit ?? null;
  const fs = r.filesystem;
  return {
    usage, size: usage === 'disk' ? r.diskBytes : r.bytes, limit,
    limitSource: input.limit !== undefined ? 'option' : limit !== null ? 'last run' : null,
    filesystem: fs ? { size: fs.size, available: fs.available, free: fs.free } : null,
  };
}

function deadWeightOf(r: Report): DeadWeightClass[] {
  const c = (k: DeadWeightClass['key'], label: string, note: string, t: { count: number; bytes: number }): DeadWeightClass =>
    ({ key: k, label, note, count: t.count, bytes: t.bytes, dead: DEAD.has(k) });
  const out: DeadWeightClass[] = r.format === 'apache'
    ? [
      c('temp', 'Temp files', 'left by killed httpd children when old', r.tempFiles),
      c('orphans', 'Orphans', 'body or header missing: never served', r.orphans),
      c('unusable', 'Unusable', 'inode mismatch or corrupt header: never served', r.unusable),
      c('expired', 'Expired', 'still served after a 304 revalidation', r.expired),
    ]
    : [c('temp', 'Partial/temp', 'unfinished downloads', r.tempFiles)];
  out.push(c('foreign', 'Other files', 'not the cache\'s: never touched', r.foreign));
  for (const g of GENTOO) {
    const t = r[g.key];
    if (t) out.push(c(g.key, g.label, g.note, t));
  }
  return out;
}

/** The classes no client is served from: prune evicts them first, on every run. */
const DEAD: ReadonlySet<DeadWeightClass['key']> = new Set(['temp', 'orphans', 'unusable', 'mismatch']);

const GENTOO: { key: GentooPanelClass['key']; label: string; note: string }[] = [
  { key: 'mismatch', label: 'Size mismatch', note: 'differs from every Manifest size: every client rejects it' },
  { key: 'retired', label: 'Retired distfiles', note: 'no Manifest names them, unused past the grace' },
  { key: 'duplicates', label: 'Duplicates', note: 'one distfile under several URLs: what one copy would save' },
];

function gentooOf(r: Report, top: number, key: (s: string) => string): GentooPanelClass[] {
  const out: GentooPanelClass[] = [];
  for (const g of GENTOO) {
    const t = r[g.key];
    if (!t) continue;
    const largest = t.largest.slice(0, top).map((e) => ({ name: key(e.url || e.path), bytes: e.bytes }));
    out.push({ ...g, count: t.count, bytes: t.bytes, largest });
  }
  return out;
}

/** The top rows (the report sorted them), and what the others add up to. */
function ranking(rows: Ranking['rows'], total: Amount, top: number): Ranking {
  const shown = rows.slice(0, top);
  const count = total.count - shown.reduce((a, x) => a + x.count, 0);
  const bytes = total.bytes - shown.reduce((a, x) => a + x.bytes, 0);
  return { rows: shown, other: count > 0 || bytes > 0 ? { count, bytes } : null, total };
}

/** Buckets from the first to the last non-empty one: a chart of 13 bars, 10 of them empty, says little. */
function trimEmpty<T extends { count: number }>(b: T[]): T[] {
  const first = b.findIndex((x) => x.count > 0);
  if (first < 0) return [];
  let last = b.length - 1;
  while (b[last].count === 0) last--;
  return b.slice(first, last + 1);
}
