import { cacheVerdict } from './cacheStatus.js';
import type { LogRecord } from './logRecord.js';

export interface DayTally { day: string; requests: number; bytes: number }

/** What mod_cache said about the replayed requests (those that logged a verdict). */
export interface ObservedTally { requests: number; hits: number; bytes: number; hitBytes: number; upstreamBytes: number }

/**
 * "What happened": counts over every parsed line, per day and in total, and which
 * requests the LRU replays: GET with status 200 (a full body). 304s and 206s are
 * counted beside them: a 304 moves no body, and mod_cache stores no partial body.
 */
export class LogTally {
  lines = 0;
  unparsed = 0;
  /** Replayed: full-body GET responses and their body bytes. */
  requests = 0;
  bytes = 0;
  notModified = 0;
  partial = 0;
  partialBytes = 0;
  /** HEAD, other methods, redirects and errors. */
  other = 0;
  first = Infinity;
  last = -Infinity;
  observed: ObservedTally | null = null;
  private readonly days = new Map<string, DayTally>();
  private day: DayTally | undefined;

  /** Counts one line; returns true when the LRU should replay it. */
  add(r: LogRecord | null): r is LogRecord {
    this.lines++;
    if (!r) {
      this.unparsed++;
      return false;
    }
    if (r.time < this.first) this.first = r.time;
    if (r.time > this.last) this.last = r.time;
    if (this.day?.day !== r.day) {
      this.day = this.days.get(r.day);
      if (!this.day) this.days.set(r.day, (this.day = { day: r.day, requests: 0, bytes: 0 }));
    }
    this.day.requests++;
    this.day.bytes += r.bytes;
    if (r.status === 304) this.notModified++;
    else if (r.status === 206) {
      this.partial++;
      this.partialBytes += r.bytes;
    } else if (r.status === 200 && r.method === 'GET') {
      this.requests++;
      this.bytes += r.bytes;
      if (r.cacheStatus) this.observe(r);
      return true;
    } else this.other++;
    return false;
  }

  private observe(r: LogRecord): void {
    const v = cacheVerdict(r.cacheStatus);
    if (v === 'unknown') return;
    const o = (this.observed ??= { requests: 0, hits: 0, bytes: 0, hitBytes: 0, upstreamBytes: 0 });
    o.requests++;
    o.bytes += r.bytes;
    if (v === 'hit') {
      o.hits++;
      o.hitBytes += r.bytes;
    } else {
      o.upstreamBytes += r.bytes;
    }
  }

  perDay(): DayTally[] {
    return [...this.days.values()].sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
  }
}
