import { fail, ok, withDetails, type Check } from '../types.js';
import type { DoctorContext, Target } from './context.js';
import { cacheLayout, effective, normalRoot, serverLabel, at, type CacheSite } from '../httpd/servers.js';
import type { HttpdConfig, SkippedDirective } from '../httpd/parse.js';

const ID = 'cache-root';
const SEED = 'CacheEnable disk / and CacheRoot /var/cache/apache2/dist-files (in the vhost that proxies the mirrors)';

/** Why a section is off, and how to turn it on. */
function offReason(ctx: DoctorContext, s: SkippedDirective): { why: string; fix: string } {
  const m = /^<(\w+)\s+(!?)(\S+)>$/.exec(s.condition);
  const kind = m?.[1].toLowerCase();
  const name = m?.[3] ?? '';
  if (kind === 'ifdefine' && !m?.[2]) {
    const from = ctx.setup.definesFrom ?? 'httpd\'s command line';
    const fix = ctx.setup.definesFrom?.startsWith('/etc/conf.d/apache2')
      ? `add -D ${name} to APACHE2_OPTS in /etc/conf.d/apache2 and restart apache2`
      : `start httpd with -D ${name} (or add "Define ${name}" before ${s.conditionAt}); check it here with --define ${name}`;
    return { why: `${s.condition} at ${s.conditionAt} is off: ${name} is not among the -D names (${ctx.setup.defines.join(' ') || 'none'}, from ${from})`, fix };
  }
  if (kind === 'ifmodule' && !m?.[2]) {
    return { why: `${s.condition} at ${s.conditionAt} is off: that module is not loaded`, fix: `load it before ${s.conditionAt} (LoadModule; on Debian: a2enmod cache_disk)` };
  }
  return { why: `${s.condition} at ${s.conditionAt} is off`, fix: `turn on ${s.condition} or move the line out of it` };
}

/** httpd refuses to start on a directive of a module that is not loaded ("Invalid command"). */
function missingModule(cfg: HttpdConfig): { message: string; fix: string } | null {
  const needs: [string, string, string][] = [['cacheroot', 'cache_disk_module', 'mod_cache_disk.so'], ['cacheenable', 'cache_module', 'mod_cache.so']];
  for (const [dir, mod, so] of needs) {
    const d = cfg.directives.find((x) => x.name === dir);
    if (d && !cfg.modules.has(mod)) {
      return { message: `${at(d)} uses ${dir === 'cacheroot' ? 'CacheRoot' : 'CacheEnable'} but ${mod} is not loaded: httpd refuses to start ("Invalid command")`, fix: `LoadModule ${mod} modules/${so} before it (on Debian: a2enmod cache_disk)` };
    }
  }
  return null;
}

const siteText = (cfg: HttpdConfig, c: CacheSite) => `${c.root} (${c.servers.map((s) => serverLabel(cfg, s)).join('; ')}; CacheRoot at ${c.rootAt})`;

/**
 * `cache-root`: which caches httpd writes, whether `dir` is one of them, and whether
 * each exists. Returns the caches the other checks then look at: `dir`'s, or all of
 * httpd's when `dir` is omitted or is none of them, or `dir` alone (main-server
 * settings) when httpd has none.
 */
export async function cacheRootCheck(ctx: DoctorContext, dir: string | undefined): Promise<{ check: Check; targets: Target[] }> {
  const { cfg } = ctx;
  const lone: Target[] = [{ root: dir === undefined ? null : normalRoot(dir), servers: [0] }];
  if (!cfg) return { check: fail(ID, 'no httpd configuration was read, so no CacheRoot is known', 'give the main file with --httpd-config FILE'), targets: lone };
  const layout = cacheLayout(cfg);
  const mod = missingModule(cfg);

  if (layout.caches.length === 0) {
    const skipped = cfg.skipped.find((s) => s.name === 'cacheroot' || s.name === 'cacheenable');
    if (skipped) {
      const r = offReason(ctx, skipped);
      return { check: fail(ID, `httpd caches nothing: the ${skipped.name === 'cacheroot' ? 'CacheRoot' : 'CacheEnable'} at ${skipped.file}:${skipped.line} is not in effect, because ${r.why}`, r.fix), targets: lone };
    }
    if (mod) return { check: fail(ID, mod.message, mod.fix), targets: lone };
    if (layout.enabledWithoutRoot.length) {
      return { check: fail(ID, `${serverLabel(cfg, layout.enabledWithoutRoot[0])} has CacheEnable disk but no CacheRoot, so mod_cache_disk stores nothing`, 'add CacheRoot /var/cache/apache2/dist-files next to CacheEnable'), targets: lone };
    }
    if (layout.unusedRoots.length) {
      const d = layout.unusedRoots[0];
      return { check: fail(ID, `CacheRoot ${d.args[0]} is set at ${at(d)} but no server has CacheEnable disk, so httpd caches nothing`, `add CacheEnable disk / in ${serverLabel(cfg, d.server)}`), targets: lone };
    }
    return { check: fail(ID, 'httpd\'s configuration has no CacheRoot and no CacheEnable disk: it caches nothing', `add ${SEED}`), targets: lone };
  }

  let chosen = layout.caches;
  let mismatch: string | null = null;
  if (dir !== undefined) {
    const want = normalRoot(dir);
    const wantId = await ctx.sys.identity(want);
    const match: CacheSite[] = [];
    for (const c of layout.caches) if (c.root === want || (await ctx.sys.identity(c.root)) === wantId) match.push(c);
    if (match.length) chosen = match;
    else mismatch = `${want} is not a CacheRoot httpd writes; its cache${layout.caches.length > 1 ? 's are' : ' is'} ${layout.caches.map((c) => siteText(cfg, c)).join(', and ')}`;
  }
  const targets = chosen.map((c) => ({ root: c.root, servers: c.servers }));
  const details = layout.unusedRoots.map((d) => `CacheRoot ${d.args[0]} at ${at(d)} is not used: no CacheEnable disk reaches its server`);
  if (mod) return { check: withDetails(fail(ID, mod.message, mod.fix), details), targets };
  if (mismatch) return { check: withDetails(fail(ID, mismatch, `give the cache httpd writes as the directory, or set CacheRoot ${normalRoot(dir!)}`), details), targets };

  const missing: string[] = [];
  for (const c of chosen) {
    const st = await ctx.sys.statOrCode(c.root);
    if (typeof st === 'string' || !st.isDirectory()) {
      missing.push(`CacheRoot ${c.root} (${c.rootAt}) ${typeof st === 'string' ? (st === 'ENOENT' ? 'does not exist' : `cannot be looked at (${st})`) : 'is not a directory'}`);
    }
  }
  if (missing.length) {
    const user = ctx.cfg ? effective(ctx.cfg, 0, 'user')?.args[0] ?? 'USER' : 'USER';
    const dirs = chosen.filter((c) => missing.some((m) => m.startsWith(`CacheRoot ${c.root} `))).map((c) => c.root);
    return { check: withDetails(fail(ID, `${missing.join('; ')}: httpd stores nothing there`, `create it for httpd's user: install -d -o ${user} -m 0755 ${dirs.join(' ')}`), details), targets };
  }
  const message = chosen.length === 1
    ? `httpd caches into ${siteText(cfg, chosen[0])}`
    : `httpd has ${chosen.length} caches, each checked below: ${chosen.map((c) => siteText(cfg, c)).join(', and ')}`;
  return { check: withDetails(ok(ID, message), details), targets };
}
