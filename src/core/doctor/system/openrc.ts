import { posix } from 'node:path';
import type { SysRoot } from './sysRoot.js';
import type { Cleaner } from './cleaner.js';
import type { Found } from './cron.js';
import { parseShellAssignments } from './shellVars.js';
import { expandVars } from './command.js';
import { UNIT_DIRS } from './systemd.js';
import { parseSize } from '../../units.js';

const sizeOr = (s: string): number | null => { try { return parseSize(s); } catch { return null; } };

/**
 * A service script that cleans a cache, with its settings file (conf.d on OpenRC,
 * /etc/default on Debian's sysvinit): cachectl's own init script (openrc/cachectl.initd
 * and its defaults) or an htcacheclean one (Gentoo's, Debian's apache-htcacheclean).
 */
async function serviceCleaner(sys: SysRoot, name: string, script: string, settings: string, via: string): Promise<Cleaner | null> {
  const s = await sys.readText(script);
  if (!s.ok) return null;
  const c = await sys.readText(settings);
  const env = c.ok ? parseShellAssignments(c.text) : {};
  const file = c.ok ? settings : script;
  if (/cachectl/i.test(s.text) && /\bschedule\b/.test(s.text)) {
    const bin = env.CACHECTL_SCRIPT || '/usr/local/lib/node_modules/cachectl/bin/cachectl.js';
    return {
      tool: 'cachectl', via, file, path: env.CACHECTL_PATH || '/var/cache/apache2/dist-files', limit: sizeOr(env.CACHECTL_LIMIT || '50G'),
      minFree: env.CACHECTL_MIN_FREE || null, user: env.CACHECTL_USER || 'apache', runsAsCacheOwner: false,
      stateDir: env.CACHECTL_STATE_DIR || '/var/lib/cachectl', stateDirManaged: true,
      broken: (await sys.stat(bin)) ? null : `${bin} (CACHECTL_SCRIPT) does not exist, so the service cannot start`,
    };
  }
  if (/htcacheclean/.test(s.text) || name.includes('htcacheclean')) {
    // Debian's script defaults; Gentoo's conf.d sets the same names.
    return {
      // Debian's script: `${HTCACHECLEAN_PATH:=/var/cache/apache2$DIR_SUFFIX/mod_cache_disk}` (no suffix for the main instance).
      tool: 'htcacheclean', via, file, path: env.HTCACHECLEAN_PATH || expandVars(/HTCACHECLEAN_PATH:=([^}"\s]+)/.exec(s.text)?.[1] ?? '', {}) || null,
      limit: sizeOr(env.HTCACHECLEAN_SIZE || (/HTCACHECLEAN_SIZE:=([^}"\s]+)/.exec(s.text)?.[1] ?? '')), minFree: null,
      user: null, runsAsCacheOwner: false, stateDir: null, stateDirManaged: false, broken: null,
    };
  }
  return null;
}

/** OpenRC: services added to a runlevel (`rc-update add`), i.e. /etc/runlevels/LEVEL/NAME. */
export async function openrcCleaners(sys: SysRoot): Promise<Found> {
  const out: Found = { cleaners: [], notes: [] };
  const levels = await sys.list('/etc/runlevels');
  const seen = new Set<string>();
  for (const level of typeof levels === 'string' ? [] : levels) {
    const names = await sys.list(`/etc/runlevels/${level}`);
    for (const name of typeof names === 'string' ? [] : names) {
      if (seen.has(name) || !/cachectl|htcacheclean/.test(name)) continue;
      seen.add(name);
      const c = await serviceCleaner(sys, name, `/etc/init.d/${name}`, `/etc/conf.d/${name}`, `OpenRC service ${name} (runlevel ${level})`);
      if (c) out.cleaners.push(c);
    }
  }
  return out;
}

/**
 * Debian's sysvinit links (/etc/rc2.d/S01apache-htcacheclean). On a systemd host a
 * script with a native unit of the same name is ignored, so those links do not count.
 */
export async function sysvCleaners(sys: SysRoot): Promise<Found> {
  const out: Found = { cleaners: [], notes: [] };
  const seen = new Set<string>();
  for (const level of ['2', '3', '4', '5']) {
    const names = await sys.list(`/etc/rc${level}.d`);
    for (const link of typeof names === 'string' ? [] : names) {
      const m = /^S\d\d(.+)$/.exec(link);
      if (!m || seen.has(m[1]) || !/cachectl|htcacheclean/.test(m[1])) continue;
      seen.add(m[1]);
      let native = false;
      for (const d of UNIT_DIRS) if (await sys.lstat(posix.join(d, `${m[1]}.service`))) native = true;
      if (native) continue;
      const c = await serviceCleaner(sys, m[1], `/etc/init.d/${m[1]}`, `/etc/default/${m[1]}`, `sysvinit service ${m[1]} (/etc/rc${level}.d/${link})`);
      if (c) out.cleaners.push(c);
    }
  }
  return out;
}
