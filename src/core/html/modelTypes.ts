import type { Report } from '../report.js';

/**
 * The page's data: everything the HTML report shows, aggregated (top N and "other",
 * buckets, one point per run or per day), and nothing else. It is a plain value, built
 * by pure functions (model.ts) and rendered by pure functions (page.ts); its golden test
 * pins what the page says for a fixed cache. Text from the cache is already made
 * readable here (displayText), and is escaped only when rendered.
 */

export interface Amount { count: number; bytes: number }

export interface NamedAmount extends Amount { name: string }

export interface Bucket extends Amount { label: string }

/** A ranking: the top rows, what the rest add up to, and the whole. */
export interface Ranking { rows: NamedAmount[]; other: Amount | null; total: Amount }

export interface DeadWeightClass extends Amount {
  key: 'temp' | 'orphans' | 'unusable' | 'expired' | 'foreign' | 'retired' | 'mismatch' | 'duplicates';
  label: string;
  note: string;
  /** Serves no client at all (prune evicts it before any LRU eviction). */
  dead: boolean;
}

export interface LargestRow { url: string; bytes: number; diskBytes: number; lastAccess: string; ageMs: number }

export interface GentooPanelClass extends Amount { key: 'retired' | 'mismatch' | 'duplicates'; label: string; note: string; largest: { name: string; bytes: number }[] }

export interface Space {
  /** Which size the limit counts (prune's --usage): disk blocks or apparent bytes. */
  usage: 'disk' | 'apparent';
  size: number;
  limit: number | null;
  /** Where the limit came from: report's --limit, or the last prune's target. */
  limitSource: 'option' | 'last run' | null;
  filesystem: { size: number; available: number; free: number } | null;
}

export interface HistoryPoint {
  /** ms since the epoch: the run's time, or the start of the UTC day. */
  time: number;
  before: number;
  after: number;
  evicted: number;
  tailAgeMs: number | null;
  limit: number | null;
  targetMet: boolean;
  /** Runs in the point (1 per run; a day's runs when grouped). */
  runs: number;
}

export interface History {
  /** One point per run, or per UTC day when there are too many runs to draw one by one. */
  grain: 'run' | 'day';
  days: number;
  runs: number;
  missed: number;
  usage: 'disk' | 'apparent';
  points: HistoryPoint[];
}

export interface SizingPoint { size: number; hitRatio: number; byteHitRatio: number; upstreamBytesPerDay: number }

export interface Sizing {
  logs: { path: string; lines: number; error: string | null }[];
  lines: number;
  unparsed: number;
  span: { from: string; to: string; days: number } | null;
  days: { day: string; requests: number; bytes: number }[];
  requests: number;
  bytes: number;
  notModified: number;
  partial: number;
  other: number;
  observed: { requests: number; hitRatio: number; byteHitRatio: number; upstreamBytesPerDay: number } | null;
  method: 'exact' | 'sampled';
  sampleRate: number | null;
  workingSet: number;
  objects: number;
  unlimited: { hitRatio: number; byteHitRatio: number; upstreamBytesPerDay: number };
  /** The curve, densely sampled for the chart. */
  curve: SizingPoint[];
  /** Round sizes for the table, with the marked points among them. */
  table: (SizingPoint & { marks: string[] })[];
  target: SizingPoint | null;
  limit: SizingPoint | null;
  current: SizingPoint | null;
  ghosts: { journaled: number; since: string | null; requests: number; bytes: number } | null;
  interrupted: boolean;
}

export interface PageModel {
  schema: 1;
  generatedAt: string;
  /** The report's own figures; the layout as a sentence. */
  cache: Pick<Report, 'root' | 'format' | 'scannedAt' | 'scanMs' | 'reader' | 'entries' | 'files' | 'directories' | 'bytes'
    | 'diskBytes' | 'entryBytes' | 'variants' | 'varyGroups' | 'headerOnly' | 'vanished'> & { layout: string | null };
  space: Space;
  deadWeight: DeadWeightClass[];
  age: { buckets: Bucket[]; tailAgeMs: number | null };
  sizes: Bucket[];
  hosts: Ranking;
  paths: Ranking & { title: string };
  largest: LargestRow[];
  /** With --repo (Gentoo distfiles): the classes the Gentoo pass found; empty otherwise. */
  gentoo: GentooPanelClass[];
  /** null: no state dir to read the run log from. */
  history: History | null;
  /** null: no --access-log. */
  sizing: Sizing | null;
  errors: { count: number; samples: { path: string; code: string }[] };
  /** Rows were capped for the page (report --json --top N lists more). */
  capped: { top: number; requested: number } | null;
}
