import { fail, ok, warn, withDetails, type Check } from '../types.js';
import { cleanersOf, type DoctorContext, type Target } from './context.js';
import type { Cleaner } from '../system/cleaners.js';
import { formatSize } from '../../units.js';

const ID = 'scheduler';
const INSTALL = 'enable one: systemctl enable --now cachectl.timer (systemd), rc-update add cachectl default (OpenRC), or install contrib/cron.daily/cachectl (see docs/services.md)';

const describe = (c: Cleaner) => {
  const what = c.tool === 'cachectl' ? 'cachectl' : 'Apache\'s htcacheclean';
  const limit = c.limit !== null ? ` to ${formatSize(c.limit)}` : c.minFree ? ` to ${c.minFree} free` : '';
  return `${c.via} runs ${what}${c.path ? ` on ${c.path}` : ''}${limit}`;
};

/** How to switch an htcacheclean cleaner off, by what schedules it. */
function removal(c: Cleaner): string {
  if (c.via.includes('(systemd')) return `systemctl disable --now ${c.via.split(' ')[0]}`;
  if (c.via.startsWith('OpenRC')) return `rc-update del ${c.via.split(' ')[2]}`;
  if (c.via.startsWith('sysvinit')) return `update-rc.d ${c.via.split(' ')[2]} disable`;
  if (c.file === '/etc/default/apache-htcacheclean') return 'set HTCACHECLEAN_MODE=daemon in /etc/default/apache-htcacheclean (and leave apache-htcacheclean disabled)';
  return `remove the htcacheclean line from ${c.file}`;
}

/**
 * `scheduler`: exactly one cleaner should keep the cache under its limit: cachectl's
 * timer, OpenRC service or cron job. None lets the cache fill the disk. Apache's
 * htcacheclean next to cachectl fights it: it ignores cachectl's lock and prunes to its
 * own limit by its own order. Two cachectl runs are harmless (the lock) but one is enough.
 */
export function schedulerCheck(ctx: DoctorContext, t: Target): Check {
  const cache = t.root ?? undefined;
  const mine = cleanersOf(ctx, t);
  const working = mine.filter((c) => !c.broken);
  const htc = working.filter((c) => c.tool === 'htcacheclean');
  const ours = working.filter((c) => c.tool === 'cachectl');
  const elsewhere = ctx.cleaners.filter((c) => !mine.includes(c)).map((c) => `${describe(c)} (not this cache)`);
  const details = [...mine.map((c) => describe(c) + (c.broken ? `, but ${c.broken}` : '')), ...elsewhere, ...ctx.cleanerNotes];
  const target = t.root ?? 'the cache';
  const broken = mine.filter((c) => c.broken);

  if (working.length === 0) {
    const why = broken.length ? `: ${broken[0].via} would, but ${broken[0].broken}` : elsewhere.length ? ` (${elsewhere[0]})` : '';
    const unseen = ctx.cleanerNotes.some((n) => n.includes('permission denied')) ? ' (some crontabs could not be read: run doctor as root to see them)' : '';
    return withDetails(fail(ID, `nothing scheduled cleans ${target}${why}, so it grows until the disk is full${unseen}`, INSTALL, cache), details);
  }
  if (htc.length && ours.length) {
    return withDetails(fail(ID, `two cleaners work on ${target}: ${describe(ours[0])}, and ${describe(htc[0])}, which ignores cachectl's lock and prunes by its own rules`,
      htc.map(removal).join('; '), cache), details);
  }
  if (htc.length) {
    return withDetails(warn(ID, `only Apache's htcacheclean cleans ${target} (${describe(htc[0])}): it evicts by expiry, not by last use`,
      `${htc.map(removal).join('; ')}; then ${INSTALL.replace('enable one: ', '')} (or let cachectl's htcacheclean drop-in run the same line: put it first in that PATH)`, cache), details);
  }
  if (ours.length > 1) {
    return withDetails(warn(ID, `${ours.length} cachectl runs are scheduled for ${target} (${ours.map((c) => c.via).join(', ')}): harmless (they take turns on the cache's lock) but one is enough`,
      `keep one, e.g. ${ours[0].via}, and disable the others`, cache), details);
  }
  if (broken.length) {
    return withDetails(warn(ID, `${describe(ours[0])}; also ${broken[0].via}, but ${broken[0].broken}`, `remove ${broken[0].file}, or install what it runs`, cache), details);
  }
  return withDetails(ok(ID, `${describe(ours[0])}, and nothing else cleans it`, cache), details.length > 1 ? details : []);
}
