import type { PruneResult, Victim } from '../../api/prune.js';
import { formatAge, formatCount, formatSize } from '../../api/common.js';
import { columns, escapeControl } from './style.js';
import { gentooPruneRows } from './gentooText.js';

type Style = { bold(s: string): string; dim(s: string): string; yellow(s: string): string; red(s: string): string };
const n = formatCount;

/** One line per victim: reason, size, how long unused, URL (or path for dead weight). */
export function renderVictims(victims: Victim[], now: number): string {
  if (victims.length === 0) return '';
  return columns(victims.map((v) => [v.reason, formatSize(v.bytes), formatAge(now - v.lastAccess), escapeControl(v.url)]), ['l', 'r', 'r', 'l']);
}

function targetText(r: PruneResult): string {
  const t: string[] = [];
  if (r.targets.limit !== undefined) t.push(`limit ${formatSize(r.targets.limit)} ${r.usage}`);
  if (r.targets.maxEntries !== undefined) t.push(`at most ${n(r.targets.maxEntries)} entries`);
  if (r.targets.minFreeBytes !== undefined) t.push(`${formatSize(r.targets.minFreeBytes)} free`);
  return t.join(', ');
}

export function renderPruneSummary(r: PruneResult, s: Style): string {
  const verb = r.dryRun ? 'would remove' : 'removed';
  const reasons = Object.entries(r.removed.byReason)
    .filter(([, v]) => v.entries > 0)
    .map(([k, v]) => `${n(v.entries)} ${k} (${formatSize(v.bytes)})`)
    .join(', ');
  const rows = [
    ['before', formatSize(r.before.bytes), `${n(r.before.entries)} entries`],
    ['after', formatSize(r.after.bytes), `${n(r.after.entries)} entries   (${targetText(r)})`],
    [verb, formatSize(r.removed.bytes), reasons || 'nothing'],
    ['tail age', r.tailAgeMs === null ? '-' : formatAge(r.tailAgeMs), 'since the least recently used entry kept was last used'],
    ...gentooPruneRows(r),
  ];
  if (r.filesystem) rows.push(['filesystem', formatSize(r.filesystem.available), `available of ${formatSize(r.filesystem.size)}${r.dryRun ? ' (before)' : ''}`]);
  rows.push(['took', `${(r.durationMs / 1000).toFixed(2)} s`, `scan ${(r.scanMs / 1000).toFixed(2)} s`]);
  let out = s.bold(`${r.dryRun ? 'Dry run: nothing deleted. ' : ''}Pruned ${r.root}`) + '\n' + columns(rows.map((x) => ['  ' + x[0], x[1], x[2]]), ['l', 'r', 'l']);
  if (r.skippedChanged) out += s.dim(`  ${n(r.skippedChanged)} entries spared: httpd used or rewrote them after the scan\n`);
  if (r.alreadyGone) out += s.dim(`  ${n(r.alreadyGone)} files were already gone\n`);
  if (r.emptyDirsRemoved) out += s.dim(`  ${n(r.emptyDirsRemoved)} empty directories removed\n`);
  if (r.interrupted) out += s.yellow('  interrupted: stopped between deletions\n');
  if (r.miss) out += s.red(`  ${escapeControl(r.miss.message)}\n`);
  if (r.errors.length) {
    out += s.red(`  ${r.errors.length} paths could not be read or deleted:\n`);
    for (const e of r.errors.slice(0, 20)) out += `    ${e.code}  ${e.path}\n`;
  }
  return out;
}
