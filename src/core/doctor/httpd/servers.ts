import { posix } from 'node:path';
import type { Directive, HttpdConfig } from './parse.js';

/**
 * The value a server runs with: its own last setting, else the main server's last one
 * (httpd merges each `<VirtualHost>` over the main server once everything is read, so
 * a main-server line after the vhost still applies to it).
 */
export function effective(cfg: HttpdConfig, server: number, name: string): Directive | undefined {
  let own: Directive | undefined;
  let main: Directive | undefined;
  for (const d of cfg.directives) {
    if (d.name !== name) continue;
    if (d.server === server) own = d;
    if (d.server === 0) main = d;
  }
  return own ?? main;
}

/** Every directive of that name a server sees: its own, or (if it has none) the main server's. */
export function effectiveAll(cfg: HttpdConfig, server: number, names: readonly string[]): Directive[] {
  const own = cfg.directives.filter((d) => names.includes(d.name) && d.server === server);
  if (own.length > 0 || server === 0) return own;
  return cfg.directives.filter((d) => names.includes(d.name) && d.server === 0);
}

export const at = (d: { file: string; line: number }) => `${d.file}:${d.line}`;

/** A server for a sentence: `the main server` or `<VirtualHost *:80> (mirror.example.com, file:line)`. */
export function serverLabel(cfg: HttpdConfig, server: number): string {
  if (server === 0) return 'the main server';
  const v = cfg.vhosts[server - 1];
  const name = cfg.directives.find((d) => d.server === server && d.name === 'servername')?.args[0];
  return `<VirtualHost ${v.addresses}>${name ? ` (${name})` : ''} at ${at(v)}`;
}

/** One disk cache httpd writes: its CacheRoot and the servers that cache into it. */
export interface CacheSite {
  readonly root: string;
  /** Where its CacheRoot line is. */
  readonly rootAt: string;
  readonly servers: readonly number[];
}

export interface CacheLayout {
  readonly caches: CacheSite[];
  /** Servers with `CacheEnable disk` but no CacheRoot: httpd stores nothing for them. */
  readonly enabledWithoutRoot: number[];
  /** CacheRoot lines no server caches into (no CacheEnable disk reaches them). */
  readonly unusedRoots: Directive[];
}

/** CacheRoot is taken as written, from `/` (mod_cache_disk does not make it ServerRoot-relative). */
export const normalRoot = (p: string) => posix.resolve('/', p);

/**
 * Which servers cache to disk and where: a `CacheEnable disk` in the main server
 * applies to every vhost too (mod_cache appends the main server's list to each
 * vhost's), a vhost's own applies to it; each such server writes to its effective
 * CacheRoot.
 */
export function cacheLayout(cfg: HttpdConfig): CacheLayout {
  const enables = (s: number) => cfg.directives.some((d) => d.name === 'cacheenable' && d.server === s && (d.args[0] ?? '').toLowerCase() === 'disk');
  const servers = [0, ...cfg.vhosts.map((v) => v.index)];
  const mainEnables = enables(0);
  const byRoot = new Map<string, { rootAt: string; servers: number[] }>();
  const enabledWithoutRoot: number[] = [];
  for (const s of servers) {
    if (!mainEnables && !enables(s)) continue;
    const root = effective(cfg, s, 'cacheroot');
    if (!root?.args[0]) { enabledWithoutRoot.push(s); continue; }
    const key = normalRoot(root.args[0]);
    const site = byRoot.get(key) ?? { rootAt: at(root), servers: [] };
    site.servers.push(s);
    byRoot.set(key, site);
  }
  const caches = [...byRoot].map(([root, s]) => ({ root, rootAt: s.rootAt, servers: s.servers }));
  const unusedRoots = cfg.directives.filter((d) => d.name === 'cacheroot' && d.args[0] && !byRoot.has(normalRoot(d.args[0])));
  return { caches, enabledWithoutRoot, unusedRoots };
}
