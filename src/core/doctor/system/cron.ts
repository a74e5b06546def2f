import { posix } from 'node:path';
import type { SysRoot } from './sysRoot.js';
import { cleanerOf } from './command.js';
import { cleanerFrom, type Cleaner } from './cleaner.js';
import { CRON_DEFAULT_PATH } from './binary.js';
import { parseShellAssignments } from './shellVars.js';
import { parseSize } from '../../units.js';

export const CRON_DIRS = ['/etc/cron.hourly', '/etc/cron.daily', '/etc/cron.weekly', '/etc/cron.monthly'];
const USER_CRONTABS = ['/var/spool/cron/crontabs', '/var/spool/cron'];
/** Debian's run-parts (and cron for /etc/cron.d) skips any other name, e.g. `cachectl.sh`. */
const RUN_PARTS_NAME = /^[A-Za-z0-9_-]+$/;

export interface Found { cleaners: Cleaner[]; notes: string[] }

/** cron: /etc/crontab, /etc/cron.d, users' crontabs and the /etc/cron.daily-style directories. */
export async function cronCleaners(sys: SysRoot): Promise<Found> {
  const out: Found = { cleaners: [], notes: [] };
  const system = await sys.readText('/etc/crontab');
  const systemEnv = system.ok ? await crontab(sys, '/etc/crontab', system.text, null, out) : {};
  const cronPath = systemEnv.PATH ?? CRON_DEFAULT_PATH;

  const cronD = await sys.list('/etc/cron.d');
  for (const n of typeof cronD === 'string' ? [] : cronD) {
    const f = `/etc/cron.d/${n}`;
    const r = await sys.readText(f);
    if (!r.ok) continue;
    if (!RUN_PARTS_NAME.test(n)) { await ignoredIfCleaner(r.text, f, 'cron skips names with a dot', out); continue; }
    await crontab(sys, f, r.text, null, out);
  }

  for (const dir of USER_CRONTABS) {
    const names = await sys.list(dir);
    if (typeof names === 'string') {
      if (names === 'EACCES') out.notes.push(`${dir} could not be read (permission denied): users' crontabs were not checked`);
      continue;
    }
    for (const n of names) {
      const f = posix.join(dir, n);
      if (!(await sys.stat(f))?.isFile()) continue;
      const r = await sys.readText(f);
      if (r.ok) await crontab(sys, f, r.text, n, out);
      else if (r.code === 'EACCES') out.notes.push(`${f} could not be read (permission denied)`);
    }
  }

  for (const dir of CRON_DIRS) {
    const names = await sys.list(dir);
    for (const n of typeof names === 'string' ? [] : names) {
      const f = posix.join(dir, n);
      const st = await sys.stat(f);
      if (!st?.isFile()) continue;
      const r = await sys.readText(f, 1 << 20);
      if (!r.ok) continue;
      if (!RUN_PARTS_NAME.test(n)) { await ignoredIfCleaner(r.text, f, 'run-parts skips names with a dot', out); continue; }
      if ((st.mode & 0o111) === 0) { await ignoredIfCleaner(r.text, f, 'it is not executable, so run-parts skips it', out); continue; }
      await script(sys, f, r.text, cronPath, out);
    }
  }
  return out;
}

/** Notes a file cron never runs, if it would have run a cleaner (as a script or a crontab line). */
async function ignoredIfCleaner(text: string, file: string, why: string, out: Found): Promise<void> {
  const asCrontab = (l: string) => [5, 6].some((n) => cleanerOf(l.trim().split(/\s+/).slice(n).join(' ')));
  if (text.split('\n').some((l) => cleanerOf(l) || asCrontab(l))) out.notes.push(`${file} is never run (${why})`);
}

/**
 * One crontab: the system format has a user field (`user` null), a user's crontab
 * does not. `NAME=value` lines set the environment of the lines after them.
 */
async function crontab(sys: SysRoot, file: string, text: string, user: string | null, out: Found): Promise<Record<string, string>> {
  const env: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i].trim();
    if (!l || l.startsWith('#')) continue;
    const assign = /^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(l);
    if (assign) { Object.assign(env, parseShellAssignments(`${assign[1]}=${assign[2]}`)); continue; }
    const f = l.split(/\s+/);
    const nTime = f[0].startsWith('@') ? 1 : 5;
    const who = user ?? f[nTime];
    // cron turns the first unescaped % into the end of the command (the rest is stdin).
    const command = f.slice(nTime + (user ? 0 : 1)).join(' ').replace(/(?<!\\)%.*$/, '');
    const cmd = cleanerOf(command, env);
    if (!cmd) continue;
    out.cleaners.push(await cleanerFrom(sys, cmd, {
      via: `${file} line ${i + 1}`, file, user: who === 'root' ? null : who, pathVar: env.PATH ?? CRON_DEFAULT_PATH,
    }));
  }
  return env;
}

/** A script in /etc/cron.daily & co.: cachectl's own, Debian's apache2, or any other. */
async function script(sys: SysRoot, file: string, text: string, cronPath: string, out: Found): Promise<void> {
  // contrib/cron.daily/cachectl: its settings are in /etc/default/cachectl, sourced at run time.
  if (text.includes('CACHECTL_DEFAULTS') && /\bprune\b/.test(text)) {
    const d = await sys.readText('/etc/default/cachectl');
    const env = d.ok ? parseShellAssignments(d.text) : {};
    const bin = '/usr/local/bin/cachectl';
    const installed = await sys.stat(bin);
    out.cleaners.push({
      tool: 'cachectl', via: file, file: d.ok ? '/etc/default/cachectl' : file,
      path: env.CACHECTL_PATH || '/var/cache/apache2/dist-files', limit: sizeOr(env.CACHECTL_LIMIT || '50G'), minFree: env.CACHECTL_MIN_FREE || null,
      user: env.CACHECTL_USER || null, runsAsCacheOwner: !env.CACHECTL_USER,
      stateDir: env.CACHECTL_STATE_DIR || '/var/lib/cachectl', stateDirManaged: true,
      broken: installed ? null : `${bin} is not installed, so the script quietly does nothing`,
    });
    return;
  }
  // Debian's /etc/cron.daily/apache2 runs htcacheclean only in "cron" mode.
  if (text.includes('HTCACHECLEAN_MODE')) {
    const d = await sys.readText('/etc/default/apache-htcacheclean');
    const env = d.ok ? parseShellAssignments(d.text) : {};
    if ((env.HTCACHECLEAN_MODE ?? 'daemon') !== 'cron') return;
    out.cleaners.push({
      tool: 'htcacheclean', via: `${file} (HTCACHECLEAN_MODE=cron)`, file: '/etc/default/apache-htcacheclean',
      path: env.HTCACHECLEAN_PATH || '/var/cache/apache2/mod_cache_disk', limit: sizeOr(env.HTCACHECLEAN_SIZE || '300M'), minFree: null,
      user: null, runsAsCacheOwner: false, stateDir: null, stateDirManaged: false, broken: null,
    });
    return;
  }
  const env = parseShellAssignments(text, { expand: true });
  for (const line of text.split('\n')) {
    const cmd = cleanerOf(line, env);
    if (cmd) out.cleaners.push(await cleanerFrom(sys, cmd, { via: file, file, user: null, pathVar: env.PATH ?? cronPath }));
  }
}

function sizeOr(s: string): number | null {
  try { return parseSize(s); } catch { return null; }
}
