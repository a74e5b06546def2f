import { posix } from 'node:path';
import { type Check, type CheckStatus, worst } from '../types.js';
import { cleanersOf, type DoctorContext, type Target } from './context.js';
import { effective, at } from '../httpd/servers.js';
import { canWrite } from '../system/accounts.js';
import type { Cleaner } from '../system/cleaners.js';

const ID = 'owner';

interface Finding { status: CheckStatus; text: string; fix?: string }

/** How to make a cleaner run as `user`, by the kind of file that schedules it. */
function userFix(c: Cleaner, user: string): string {
  if (c.file.includes('/systemd/')) return `run it as ${user}: systemctl edit ${posix.basename(c.file)} (User=${user}, Group=${user})`;
  if (c.file.startsWith('/etc/conf.d/') || c.file.startsWith('/etc/init.d/')) return `CACHECTL_USER="${user}" and CACHECTL_GROUP="${user}" in ${c.file.startsWith('/etc/conf.d/') ? c.file : '/etc/conf.d/cachectl'}`;
  if (c.file === '/etc/default/cachectl') return `set CACHECTL_USER="${user}" in /etc/default/cachectl (or remove the line: the script then runs as the cache's owner)`;
  return `run it as ${user} (${c.file})`;
}

/**
 * `owner`: httpd's User must be able to write the cache (it stores new entries there),
 * and cachectl's scheduled run must be able to delete them (the cache's owner, or root).
 */
export async function ownerCheck(ctx: DoctorContext, t: Target): Promise<Check> {
  const cache = t.root ?? undefined;
  const st = t.root ? await ctx.sys.stat(t.root) : null;
  const findings: Finding[] = [];
  const userD = ctx.cfg ? effective(ctx.cfg, 0, 'user') : undefined;
  const httpdUser = userD?.args[0];
  const account = httpdUser ? ctx.accounts.user(httpdUser) : null;
  const owner = st ? ctx.accounts.nameOf(st.uid) : null;

  if (!httpdUser) {
    findings.push(st && st.uid === 0
      ? { status: 'warn', text: `User is not set, and the cache belongs to root: httpd started as root runs its children as #-1, who cannot write it`, fix: 'User www-data (Debian) or User apache (Gentoo), and chown the cache to it' }
      : { status: 'ok', text: `User is not set, so httpd keeps the uid of whoever starts it${owner ? ` (the cache belongs to ${owner})` : ''}` });
  } else if (!account) {
    findings.push({ status: 'fail', text: `httpd's User ${httpdUser} (${at(userD!)}) does not exist on this machine`, fix: `create it, or set User to an existing account` });
  } else if (!st) {
    findings.push({ status: 'ok', text: `httpd runs as ${account.name}` });
  } else if (st.uid === account.uid) {
    findings.push({ status: 'ok', text: `${t.root} belongs to ${account.name}, httpd's User` });
  } else if (canWrite(st, account.uid, ctx.accounts.gidsOf(account))) {
    findings.push({ status: 'ok', text: `${t.root} belongs to ${owner} but httpd's User ${account.name} may write it (group or mode)` });
  } else {
    findings.push({ status: 'fail', text: `${t.root} belongs to ${owner}, but httpd runs as ${account.name} (${at(userD!)}) and cannot write it, so it caches nothing new`, fix: `chown -R ${account.name}: ${t.root}` });
  }

  // The cleaner deletes what httpd wrote: it must be that user (or root).
  const cacheOwner = st ? owner! : account?.name ?? null;
  for (const c of cleanersOf(ctx, t).filter((x) => x.tool === 'cachectl' && !x.broken)) {
    if (c.runsAsCacheOwner) { findings.push({ status: 'ok', text: `${c.via} runs as the cache's owner` }); continue; }
    if (c.user === null) { findings.push({ status: 'ok', text: `${c.via} runs as root` }); continue; }
    if (!cacheOwner || c.user === cacheOwner) { findings.push({ status: 'ok', text: `${c.via} runs as ${c.user}${cacheOwner ? ', the cache\'s owner' : ''}` }); continue; }
    const who = ctx.accounts.user(c.user);
    if (!who) { findings.push({ status: 'fail', text: `${c.via} runs as ${c.user}, who does not exist on this machine`, fix: userFix(c, cacheOwner) }); continue; }
    findings.push({ status: 'fail', text: `${c.via} runs as ${c.user}, but the cache belongs to ${cacheOwner}: it cannot delete what httpd wrote`, fix: userFix(c, cacheOwner) });
  }

  const status = findings.reduce<CheckStatus>((s, f) => worst(s, f.status), 'ok');
  const fixes = findings.filter((f) => f.fix && f.status !== 'ok').map((f) => f.fix!);
  return { id: ID, status, message: findings.map((f) => f.text).join('; '), fix: status === 'ok' ? null : fixes.join('; '), ...(cache ? { cache } : {}) };
}
