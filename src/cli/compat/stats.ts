import type { HtcStats } from '../../api/htcacheclean.js';

/** The size as htcacheclean prints it: K, or M from 1024K up; one truncated decimal. */
export function htcSize(bytes: number): string {
  let v = bytes;
  let unit = 'K';
  let frag = Math.trunc((v * 10) / 1024) % 10;
  v = Math.trunc(v / 1024);
  if (v >= 1024) {
    unit = 'M';
    frag = Math.trunc((v * 10) / 1024) % 10;
    v = Math.trunc(v / 1024);
  }
  return `${v}.${frag}${unit}`;
}

/** "size limit": no decimal is computed, it is always `.0`. */
export function htcLimit(bytes: number): string {
  let v = Math.trunc(bytes / 1024);
  let unit = 'K';
  if (v >= 1024) { unit = 'M'; v = Math.trunc(v / 1024); }
  return `${v}.0${unit}`;
}

/** "unsolicited size": like htcSize, but never prints 0.0 for a non-zero size. */
export function htcUnsolicited(bytes: number): string {
  const s = htcSize(bytes);
  return s.startsWith('0.0') ? `0.1${s.slice(3)}` : s;
}

/** The -v block, line for line as htcacheclean's printstats (support/htcacheclean.c). */
export function renderHtcStats(s: HtcStats): string {
  const deleted = s.entriesWas - s.entriesNow;
  return [
    `Cleaned ${s.root}. Statistics:`,
    ...(s.unsolicited > 0 ? [`unsolicited size ${htcUnsolicited(s.unsolicited)}`] : []),
    `size limit ${htcLimit(s.limit)}`,
    `inodes limit ${s.inodesLimit}`,
    `total size was ${htcSize(s.sizeWas)}, total size now ${htcSize(s.sizeNow)}`,
    `total inodes was ${s.inodesWas}, total ${s.estimated ? 'estimated ' : ''}inodes now ${s.inodesNow}`,
    `total entries was ${s.entriesWas}, total entries now ${s.entriesNow}`,
    `${deleted} entries deleted (0 from future, ${s.expired} expired, ${deleted - s.expired} fresh)`,
  ].join('\n') + '\n';
}
