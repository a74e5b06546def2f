import { TARGET_SHARE, type CurvePoint, type SizingResult } from '../../api/sizing.js';
import { formatCount, formatSize } from '../../api/common.js';
import { bar, columns, escapeControl, type colors } from './style.js';

type Colors = ReturnType<typeof colors>;

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** What happened, then what if, then the one sentence. Paths are the user's, escaped all the same. */
export function renderSizing(r: SizingResult, c: Colors): string {
  return [header(r), happened(r, c), whatIf(r, c), advice(r)].join('\n');
}

function header(r: SizingResult): string {
  const files = r.files.length === 1 ? escapeControl(r.files[0].path) : `${r.files.length} files`;
  const span = r.span ? `, ${r.span.from.slice(0, 16).replace('T', ' ')} to ${r.span.to.slice(0, 16).replace('T', ' ')} UTC (${r.span.days.toFixed(1)} days)` : '';
  const unparsed = r.unparsed ? ` (${formatCount(r.unparsed)} unparsed)` : '';
  const short = r.span && r.span.days < 1 ? '\nThe log covers less than a day: the per-day figures are extrapolated.' : '';
  return `Access logs: ${files}, ${formatCount(r.lines)} lines${unparsed}${span}.${short}${r.interrupted ? '\nInterrupted: the figures cover the lines read so far.' : ''}\n`;
}

function happened(r: SizingResult, c: Colors): string {
  const rows = [['Day', 'Requests', 'Served'], ...r.days.map((d) => [d.day, formatCount(d.requests), formatSize(d.bytes)])];
  let s = `${c.bold('What happened')}\n${indent(columns(rows, ['l', 'r', 'r']))}`;
  s += `  Full-body GETs (the replay below): ${formatCount(r.requests)}, ${formatSize(r.bytes)}; 304 Not Modified: ${formatCount(r.notModified)}; 206 Partial: ${formatCount(r.partial)}; other: ${formatCount(r.other)}.\n`;
  const o = r.observed;
  s += o
    ? `  mod_cache's verdicts (${formatCount(o.requests)} of them): request hit ratio ${pct(o.hitRatio)}, byte hit ratio ${pct(o.byteHitRatio)}, fetched upstream ${formatSize(o.upstreamBytes)} (${formatSize(Math.round(o.upstreamBytesPerDay))} a day).\n`
    : '  No cache status in the logs: add %{cache-status}e to the LogFormat to see what the cache really did.\n';
  const g = r.ghosts;
  if (g && g.journaled > 0) {
    s += `  Evicted by cachectl, then requested again: ${formatCount(g.requests)} full download${g.requests === 1 ? '' : 's'} (${formatSize(g.bytes)}) a larger limit would have served, of ${formatCount(g.journaled)} evictions journaled since ${g.since!.slice(0, 10)}.\n`;
  } else if (g) {
    s += '  No eviction journal for this cache yet: prune keeps one (in the state dir) from its next run.\n';
  }
  return s;
}

function whatIf(r: SizingResult, c: Colors): string {
  const rate = r.sampleRate ?? 1;
  const method = r.method === 'exact'
    ? 'every request'
    : rate >= 1
      // Switched to sampling but never had to drop a key: every request, reuse sizes binned.
      ? 'every request, reuse sizes kept to within 1.1% past the exact budget'
      : `a sample (SHARDS): 1 small object in ${formatCount(Math.round(1 / rate))}, large and popular ones more often`;
  const marked: { p: CurvePoint; mark: string }[] = r.curve.map((p) => ({ p, mark: '' }));
  const mark = (p: CurvePoint | null, label: string) => {
    if (!p) return;
    const same = marked.find((m) => m.p.size === p.size);
    if (same) same.mark = same.mark ? `${same.mark}, ${label}` : label;
    else marked.push({ p, mark: label });
  };
  mark(r.target, `${TARGET_SHARE * 100}% of unlimited`);
  mark(r.limit, 'limit');
  mark(r.current, 'current size');
  marked.sort((a, b) => a.p.size - b.p.size);
  const rows = [['Cache size', 'Request hits', 'Byte hits', 'Upstream/day', '', '']];
  for (const { p, mark: m } of marked) {
    rows.push([formatSize(p.size), pct(p.hitRatio), pct(p.byteHitRatio), formatSize(Math.round(p.upstreamBytesPerDay)), bar(p.byteHitRatio, 1, 20), m ? c.cyan(`← ${m}`) : '']);
  }
  const u = r.unlimited;
  rows.push(['unlimited', pct(u.hitRatio), pct(u.byteHitRatio), formatSize(Math.round(u.upstreamBytesPerDay)), bar(u.byteHitRatio, 1, 20), '']);
  let s = `${c.bold('What if')} (an LRU cache of each size, replayed over ${method})\n${indent(columns(rows, ['r', 'r', 'r', 'r', 'l', 'l']))}`;
  s += `  Working set: ${formatSize(r.workingSet)} in ${formatCount(r.objects)} objects (the distinct bytes requested${r.method === 'sampled' ? ', estimated' : ''}).\n`;
  return s;
}

function advice(r: SizingResult): string {
  if (!r.target) return 'No object was requested twice in full: no cache size would have served anything from the cache.\n';
  const u = r.unlimited.byteHitRatio;
  let s = `A ${formatSize(r.target.size)} cache reaches ${TARGET_SHARE * 100}% of the byte hit ratio an unlimited cache would get (${pct(r.target.byteHitRatio)} of ${pct(u)})`;
  s += r.limit ? `; the current limit, ${formatSize(r.limit.size)}, gets ${pct(r.limit.byteHitRatio)}.\n` : '; pass --limit (or set CACHECTL_LIMIT) to compare the current limit.\n';
  return s;
}

const indent = (block: string) => block.replace(/^(?=.)/gm, '  ');
