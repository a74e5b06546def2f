// A real Apache caching reverse proxy on loopback, for end-to-end tests and `npm run lab`.
//
// Two node "mirrors" serve generated distfiles; an httpd (Debian's apache2, run from a
// config written into a temp dir, no system config involved) caches them with
// mod_cache_disk behind a balancer, as in the Gentoo distfiles mirror tutorial.
//
// Plain ESM with JSDoc types so both vitest (TypeScript) and `node` can import it.
// Only 127.0.0.1 is ever used.

import { spawn, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, readlinkSync, statSync, mkdirSync, writeFileSync, chownSync, chmodSync } from 'node:fs';
import { mkdtemp, readdir, lstat, rm, utimes } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const HOST = '127.0.0.1';
const MODULES_DIR = '/usr/lib/apache2/modules';
/** Fixed Last-Modified for every distfile (both mirrors agree, as real mirrors do). */
export const LAST_MODIFIED = new Date('2024-03-01T12:00:00Z');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * @typedef {object} Distfile
 * @property {string} name      file name on the mirrors
 * @property {string} path      request path through httpd (`/gentoo-distfiles/<name>`)
 * @property {number} size      body length
 * @property {string} sha256    hex digest of the body
 * @property {boolean} vary     mirrors answer `Vary: Accept-Encoding`
 * @property {number|null} maxAge  `Cache-Control: max-age=N` when set
 * @property {boolean} slow     streamed slowly (for leaving a temp file behind)
 * @property {Buffer} body
 */

/**
 * @typedef {object} FetchResult
 * @property {number} status
 * @property {import('node:http').IncomingHttpHeaders} headers
 * @property {string} xCache       X-Cache value ('' when absent)
 * @property {'HIT'|'MISS'|'REVALIDATE'|'OTHER'|'NONE'} cache  first word of X-Cache
 * @property {number} size        body bytes received
 * @property {string} sha256      of the received body
 * @property {boolean|null} bodyOk  body matches the catalog (null for unknown paths or HEAD)
 * @property {Distfile|undefined} file
 */

/**
 * @typedef {object} TreeFile
 * @property {string} path  absolute
 * @property {string} rel   relative to the cache root
 * @property {number} size
 * @property {number} blocks
 * @property {number} ino
 * @property {number} atimeMs
 * @property {number} mtimeMs
 */

/**
 * @typedef {object} UpstreamHit
 * @property {number} mirror   0 or 1
 * @property {string} method
 * @property {string} url
 * @property {number} status
 * @property {string|undefined} ims  If-Modified-Since sent by httpd
 * @property {number} at
 */

/**
 * @typedef {object} LabOptions
 * @property {number} [dirLevels]   CacheDirLevels (default 2)
 * @property {number} [dirLength]   CacheDirLength (default 2, httpd's default; the docs recommend 1)
 * @property {'event'|'prefork'} [mpm]  default 'event' (Debian's default)
 * @property {string} [apache2]     path of the apache2 binary (default: found on PATH or /usr/sbin)
 * @property {number} [seed]        changes the generated bodies
 * @property {Array<Partial<Distfile> & {name: string, size: number}>} [files]  own catalog instead of the default one
 * @property {boolean} [debugLog]   LogLevel cache:debug in the error log
 * @property {number} [slowChunkMs] delay between 16 KiB chunks of slow files (default 150)
 * @property {number|null} [cacheMaxFileSize] CacheMaxFileSize (default 1000000000); null leaves
 *   the line out, so httpd's default of 1,000,000 B applies (for `cachectl doctor`'s tests)
 */

// ---------------------------------------------------------------------------------------
// Deterministic bodies

/** xorshift32 stream seeded from the name: cheap, deterministic, incompressible enough. */
function generateBody(name, size, seed) {
  const words = Math.ceil(size / 4);
  const out = new Uint32Array(words);
  let x = createHash('sha256').update(`${seed}:${name}`).digest().readUInt32LE(0) || 0x9e3779b9;
  for (let i = 0; i < words; i++) {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    out[i] = x;
  }
  return Buffer.from(out.buffer, 0, size);
}

/**
 * The default catalog: 30 cacheable distfiles of mixed sizes (700 B .. 1.5 MB, about 7 MB
 * in all): plain ones, some with `Vary: Accept-Encoding`, some with `max-age=2`; plus one
 * slow 8 MiB download used to leave a temp file behind.
 */
export function defaultCatalog() {
  const sizes = [700, 2_500, 9_000, 33_000, 120_000, 400_000, 1_500_000];
  /** @type {Array<{name: string, size: number, vary?: boolean, maxAge?: number|null, slow?: boolean}>} */
  const files = [];
  for (let i = 0; i < 20; i++) files.push({ name: `pkg${i}-${1 + (i % 4)}.${i % 3}.tar.xz`, size: sizes[i % sizes.length] + i * 37 });
  for (let i = 0; i < 5; i++) files.push({ name: `vary${i}-2.1.tar.gz`, size: sizes[(i + 2) % sizes.length] + 11 * i, vary: true });
  for (let i = 0; i < 5; i++) files.push({ name: `short${i}-0.9.tar.bz2`, size: sizes[(i + 1) % 5] + 13 * i, maxAge: 2 });
  files.push({ name: 'slow-huge-1.0.tar.xz', size: 8 * 1024 * 1024, slow: true });
  return files;
}

/** @returns {Distfile[]} */
function buildCatalog(spec, seed) {
  return spec.map((f) => {
    const body = generateBody(f.name, f.size, seed);
    return {
      name: f.name, path: `/gentoo-distfiles/${f.name}`, size: f.size,
      sha256: createHash('sha256').update(body).digest('hex'),
      vary: !!f.vary, maxAge: f.maxAge ?? null, slow: !!f.slow, body,
    };
  });
}

// ---------------------------------------------------------------------------------------
// mod_cache_disk naming (htcacheclean.md §3.1)

const HASH_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_@';

/** httpd's cache_hash: MD5 of the key in a 64-char alphabet, 22 chars. */
export function cacheHash(key) {
  const d = createHash('md5').update(key).digest();
  let s = '';
  for (let i = 0; i < 15; i += 3) {
    const x = (d[i] << 16) | (d[i + 1] << 8) | d[i + 2];
    s += HASH_ALPHABET[(x >> 18) & 63] + HASH_ALPHABET[(x >> 12) & 63] + HASH_ALPHABET[(x >> 6) & 63] + HASH_ALPHABET[x & 63];
  }
  return s + HASH_ALPHABET[d[15] >> 2] + HASH_ALPHABET[(d[15] << 4) & 63];
}

/** Relative stem (without .header/.data) of a key, split in `levels` dirs of `length` chars. */
export function cacheStem(key, levels = 2, length = 2) {
  const h = cacheHash(key);
  const parts = [];
  for (let i = 0; i < levels; i++) parts.push(h.slice(i * length, (i + 1) * length));
  parts.push(h.slice(levels * length));
  return parts.join('/');
}

// ---------------------------------------------------------------------------------------
// Tree helpers (stat only: they never move a file's atime)

/**
 * Every regular file below `root` (lstat, no reads), sorted by relative path.
 * @param {string} root
 * @returns {Promise<TreeFile[]>}
 */
export async function walkTree(root) {
  /** @type {TreeFile[]} */
  const out = [];
  async function visit(dir) {
    let names;
    try { names = await readdir(dir); } catch (e) { if (e.code === 'ENOENT') return; throw e; }
    for (const name of names) {
      const p = join(dir, name);
      let st;
      try { st = await lstat(p); } catch (e) { if (e.code === 'ENOENT') continue; throw e; }
      if (st.isDirectory()) await visit(p);
      else if (st.isFile()) out.push({ path: p, rel: relative(root, p), size: st.size, blocks: st.blocks, ino: st.ino, atimeMs: st.atimeMs, mtimeMs: st.mtimeMs });
    }
  }
  await visit(root);
  out.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  return out;
}

/** Sum of st_size over files. */
export const sumSizes = (/** @type {TreeFile[]} */ files) => files.reduce((n, f) => n + f.size, 0);

/**
 * Sets atime and mtime of every file (and directory) below root to `when`.
 * @param {string} root
 * @param {Date|number} when  Date or ms since the epoch
 */
export async function ageTree(root, when) {
  const t = when instanceof Date ? when : new Date(when);
  async function visit(dir) {
    for (const name of await readdir(dir)) {
      const p = join(dir, name);
      const st = await lstat(p);
      if (st.isDirectory()) await visit(p);
      if (st.isDirectory() || st.isFile()) await utimes(p, t, t);
    }
  }
  await visit(root);
}

// ---------------------------------------------------------------------------------------
// Ports and processes

/** A free loopback port (bind 0, read, close). A race with another binder is retried by callers. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, HOST, () => {
      const { port } = /** @type {net.AddressInfo} */ (s.address());
      s.close(() => resolve(port));
    });
  });
}

function findApache2(explicit) {
  if (explicit) return explicit;
  for (const dir of ['/usr/sbin', '/usr/bin', '/sbin', '/bin', ...(process.env.PATH ?? '').split(':')]) {
    if (dir && existsSync(join(dir, 'apache2'))) return join(dir, 'apache2');
  }
  return null;
}

/** Direct children of pid, from /proc. */
function childPids(pid) {
  const out = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(d));
    } catch { /* gone */ }
  }
  return out;
}

/** Pid (among `pids`) that has `file` open, or null. */
function pidHoldingFile(pids, file) {
  for (const pid of pids) {
    let fds;
    try { fds = readdirSync(`/proc/${pid}/fd`); } catch { continue; }
    for (const fd of fds) {
      try { if (readlinkSync(`/proc/${pid}/fd/${fd}`) === file) return pid; } catch { /* closed */ }
    }
  }
  return null;
}

/** Live (not zombie) processes in process group pgid, from /proc. */
function groupAlive(pgid) {
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(pgrp) === pgid && state !== 'Z' && state !== 'X') return true;
    } catch { /* gone */ }
  }
  return false;
}

/**
 * A detached shell that kills httpd's process group if this process dies without
 * cleaning up (SIGKILL, a crashed test worker): no httpd outlives its lab.
 */
function startWatchdog(pgid) {
  const script = `while kill -0 ${process.pid} 2>/dev/null; do kill -0 -${pgid} 2>/dev/null || exit 0; sleep 1; done
kill -TERM -${pgid} 2>/dev/null; sleep 3; kill -KILL -${pgid} 2>/dev/null; exit 0`;
  const w = spawn('/bin/sh', ['-c', script], { detached: true, stdio: 'ignore' });
  w.on('error', () => {});
  w.unref();
  return w;
}

/** httpd process groups still to kill if this process exits abruptly. */
const liveGroups = new Set();
let exitHookInstalled = false;
function installExitHook() {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const pgid of liveGroups) { try { process.kill(-pgid, 'SIGKILL'); } catch { /* gone */ } }
  });
}

// ---------------------------------------------------------------------------------------
// Upstream mirrors

/**
 * @param {number} index
 * @param {Map<string, Distfile>} byName
 * @param {UpstreamHit[]} log
 * @param {number} slowChunkMs
 */
async function startMirror(index, byName, log, slowChunkMs) {
  const lastModified = LAST_MODIFIED.toUTCString();
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', `http://${HOST}`);
    const name = decodeURIComponent(url.pathname.replace(/^\/+/, ''));
    const f = byName.get(name);
    const ims = req.headers['if-modified-since'];
    const hit = { mirror: index, method: req.method ?? '', url: req.url ?? '', status: 0, ims, at: Date.now() };
    log.push(hit);
    if (!f || (req.method !== 'GET' && req.method !== 'HEAD')) {
      hit.status = f ? 405 : 404;
      res.writeHead(hit.status, { 'Content-Type': 'text/plain', 'Content-Length': '10' });
      res.end(req.method === 'HEAD' ? undefined : 'not found\n');
      return;
    }
    /** @type {Record<string, string>} */
    const headers = {
      'Content-Type': 'application/octet-stream',
      'Last-Modified': lastModified,
      'X-Mirror': String(index),
    };
    if (f.vary) headers['Vary'] = 'Accept-Encoding';
    if (f.maxAge !== null) headers['Cache-Control'] = `max-age=${f.maxAge}`;
    if (ims && !Number.isNaN(Date.parse(ims)) && Date.parse(ims) >= LAST_MODIFIED.getTime()) {
      hit.status = 304;
      res.writeHead(304, headers);
      res.end();
      return;
    }
    hit.status = 200;
    headers['Content-Length'] = String(f.size);
    res.writeHead(200, headers);
    if (req.method === 'HEAD') { res.end(); return; }
    if (!f.slow) { res.end(f.body); return; }
    // Slow: 64 KiB at once (so httpd opens its temp file), then 16 KiB per tick.
    let off = Math.min(65536, f.size);
    res.write(f.body.subarray(0, off));
    const timer = setInterval(() => {
      if (res.destroyed || off >= f.size) { clearInterval(timer); if (!res.destroyed) res.end(); return; }
      const next = Math.min(f.size, off + 16384);
      res.write(f.body.subarray(off, next));
      off = next;
    }, slowChunkMs);
    res.on('close', () => clearInterval(timer));
  });
  server.keepAliveTimeout = 5000;
  await new Promise((resolve, reject) => { server.once('error', reject); server.listen(0, HOST, () => resolve(undefined)); });
  const { port } = /** @type {net.AddressInfo} */ (server.address());
  return { server, port };
}

// ---------------------------------------------------------------------------------------
// httpd config

function httpdConfig(o) {
  const mods = [
    [o.mpm === 'prefork' ? 'mpm_prefork_module' : 'mpm_event_module', o.mpm === 'prefork' ? 'mod_mpm_prefork.so' : 'mod_mpm_event.so'],
    ['authz_core_module', 'mod_authz_core.so'],
    ['headers_module', 'mod_headers.so'],
    ['cache_module', 'mod_cache.so'],
    ['cache_disk_module', 'mod_cache_disk.so'],
    ['proxy_module', 'mod_proxy.so'],
    ['proxy_http_module', 'mod_proxy_http.so'],
    ['proxy_balancer_module', 'mod_proxy_balancer.so'],
    ['slotmem_shm_module', 'mod_slotmem_shm.so'],
    ['lbmethod_byrequests_module', 'mod_lbmethod_byrequests.so'],
  ];
  const mpm = o.mpm === 'prefork'
    ? `StartServers 3\nMinSpareServers 2\nMaxSpareServers 8\nMaxRequestWorkers 32\nServerLimit 32`
    : `StartServers 2\nServerLimit 4\nThreadsPerChild 16\nMinSpareThreads 8\nMaxSpareThreads 48\nMaxRequestWorkers 64`;
  return `# Written by lab/apacheLab.mjs; nothing from /etc/apache2 is used.
ServerRoot "${o.dir}"
ServerName ${HOST}
Listen ${HOST}:${o.port}
PidFile "${o.dir}/run/httpd.pid"
DefaultRuntimeDir "${o.dir}/run"
${mods.map(([id, file]) => `LoadModule ${id} ${MODULES_DIR}/${file}`).join('\n')}
${o.user ? `User ${o.user}\nGroup ${o.group}` : '# not root: httpd keeps our uid'}
${mpm}
Timeout 30
KeepAlive On
ErrorLog "${o.dir}/logs/error.log"
LogLevel warn${o.debugLog ? ' cache:debug cache_disk:debug' : ''}
LogFormat "%h %l %u %t \\"%r\\" %>s %O \\"%{Referer}i\\" \\"%{User-Agent}i\\"" combined
CustomLog "${o.dir}/logs/access.log" combined
DocumentRoot "${o.dir}/htdocs"
<Directory />
  Require all denied
</Directory>

# The Gentoo distfiles caching proxy (mod_cache_disk behind a balancer).
CacheEnable disk /
CacheRoot "${o.cacheRoot}"
CacheDirLevels ${o.dirLevels}
CacheDirLength ${o.dirLength}
CacheDefaultExpire 63072000
CacheMinExpire 63072000
CacheMinFileSize 1
${o.cacheMaxFileSize === null ? '# CacheMaxFileSize left out: httpd\'s default (1,000,000 B) applies' : `CacheMaxFileSize ${o.cacheMaxFileSize}`}
CacheHeader on
CacheDetailHeader on
CacheLock off

ProxyRequests Off
ProxyTimeout 30
<Proxy balancer://mycluster>
  BalancerMember http://${HOST}:${o.upstreamPorts[0]}
  BalancerMember http://${HOST}:${o.upstreamPorts[1]}
  Require all granted
</Proxy>
ProxyPass /gentoo-distfiles/ balancer://mycluster/
ProxyPassReverse /gentoo-distfiles/ balancer://mycluster/
<Location /gentoo-distfiles/>
  Require all granted
</Location>
`;
}

// ---------------------------------------------------------------------------------------
// The lab

/**
 * Starts two mirrors and an httpd caching proxy in front of them. Always call `stop()`
 * (afterAll / finally); a process exit also SIGKILLs httpd as a last resort.
 * @param {LabOptions} [opts]
 */
export async function startLab(opts = {}) {
  const apache2 = findApache2(opts.apache2);
  if (!apache2) throw new Error('apache2 not found: install Debian\'s apache2');
  const dirLevels = opts.dirLevels ?? 2;
  const dirLength = opts.dirLength ?? 2;
  const files = buildCatalog(opts.files ?? defaultCatalog(), opts.seed ?? 1);
  const byName = new Map(files.map((f) => [f.name, f]));
  const byPath = new Map(files.map((f) => [f.path, f]));
  /** @type {UpstreamHit[]} */
  const upstreamLog = [];

  const dir = await mkdtemp(join(tmpdir(), 'cachectl-lab-'));
  const cacheRoot = join(dir, 'cache');
  for (const d of ['cache', 'logs', 'run', 'htdocs']) mkdirSync(join(dir, d));
  chmodSync(dir, 0o755);
  const root = process.getuid?.() === 0;
  let user = null, group = null;
  if (root) {
    // httpd refuses to run children as root: they run as www-data, who must own the cache.
    user = 'www-data'; group = 'www-data';
    const ids = execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim();
    const gid = execFileSync('id', ['-g', user], { encoding: 'utf8' }).trim();
    chownSync(cacheRoot, Number(ids), Number(gid));
  }

  /** @type {{server: http.Server, port: number}[]} */
  const mirrors = [];
  /** @type {import('node:child_process').ChildProcess | null} */
  let httpd = null;
  let port = 0;
  let stderr = '';
  let stopped = false;
  /** @type {import('node:child_process').ChildProcess | null} */
  let watchdog = null;
  let sent = 0;          // requests whose response httpd should log
  const leftovers = new Set(); // temp files we left on purpose
  const agent = new http.Agent({ keepAlive: false, maxSockets: 64 });

  const lab = {
    dir, cacheRoot, files, dirLevels, dirLength, upstreamLog,
    get port() { return port; },
    get baseUrl() { return `http://${HOST}:${port}`; },
    get pid() { return httpd?.pid ?? null; },
    accessLog: join(dir, 'logs', 'access.log'),
    errorLog: join(dir, 'logs', 'error.log'),
    confPath: join(dir, 'httpd.conf'),
    /** Cacheable catalog entries (not the slow one). */
    get distfiles() { return files.filter((f) => !f.slow); },
    file: (/** @type {string} */ name) => byName.get(name),

    /** The cache key httpd uses for a distfile (`http://127.0.0.1:PORT/gentoo-distfiles/NAME?`). */
    keyOf(/** @type {string|Distfile} */ f) {
      const p = typeof f === 'string' ? (byName.get(f)?.path ?? f) : f.path;
      return `http://${HOST}:${port}${p}?`;
    },

    /**
     * Where httpd stores an entry: `header` (for vary files the format-5 index) and, for
     * vary files, the variant stems per Accept-Encoding value ('' = no header sent).
     */
    entryFiles(/** @type {string|Distfile} */ f, /** @type {string[]} */ varyValues = ['']) {
      const key = lab.keyOf(f);
      const stem = join(cacheRoot, cacheStem(key, dirLevels, dirLength));
      const file = typeof f === 'string' ? byName.get(f) : f;
      if (!file?.vary) return { header: `${stem}.header`, data: `${stem}.data`, variants: [] };
      const variants = varyValues.map((v) => {
        const vs = join(`${stem}.header.vary`, cacheStem(`accept-encoding${v}${key}`, dirLevels, dirLength));
        return { value: v, header: `${vs}.header`, data: `${vs}.data` };
      });
      return { header: `${stem}.header`, data: null, variants };
    },

    /**
     * One request through httpd. `target` is a distfile name, a Distfile or a path.
     * @param {string|Distfile} target
     * @param {Record<string,string>} [headers]
     * @param {{method?: string, timeoutMs?: number}} [o]
     * @returns {Promise<FetchResult>}
     */
    fetch(target, headers = {}, o = {}) {
      const path = typeof target === 'string' ? (byName.get(target)?.path ?? target) : target.path;
      const file = byPath.get(path);
      const method = o.method ?? 'GET';
      sent++;
      return new Promise((resolve, reject) => {
        const req = http.request({ host: HOST, port, path, method, headers, agent, timeout: o.timeoutMs ?? 30_000 }, (res) => {
          const h = createHash('sha256');
          let size = 0;
          res.on('data', (d) => { h.update(d); size += d.length; });
          res.on('error', reject);
          res.on('end', () => {
            const sha256 = h.digest('hex');
            const xCache = String(res.headers['x-cache'] ?? '');
            const w = xCache.split(' ')[0];
            resolve({
              status: res.statusCode ?? 0, headers: res.headers, xCache,
              cache: !xCache ? 'NONE' : w === 'HIT' || w === 'MISS' || w === 'REVALIDATE' ? w : 'OTHER',
              size, sha256,
              bodyOk: file && method === 'GET' && res.statusCode === 200 ? sha256 === file.sha256 && size === file.size : null,
              file,
            });
          });
        });
        req.on('timeout', () => req.destroy(new Error(`timeout: ${method} ${path}`)));
        req.on('error', reject);
        req.end();
      });
    },

    /** Lines in the access log so far. */
    accessLogLines() {
      try { return readFileSync(lab.accessLog, 'utf8').split('\n').filter(Boolean); } catch { return []; }
    },

    /**
     * httpd renames an entry into place after the client has its last byte, then logs the
     * request. Waits until every request sent through `fetch` is in the access log and the
     * cache tree (sizes, inodes, mtimes) stays the same over two polls, with no temp file
     * in flight apart from ones left on purpose.
     */
    async waitForCommit(/** @type {{timeoutMs?: number}} */ o = {}) {
      const deadline = Date.now() + (o.timeoutMs ?? 30_000);
      while (lab.accessLogLines().length < sent) {
        if (Date.now() > deadline) throw new Error(`waitForCommit: ${lab.accessLogLines().length}/${sent} requests logged`);
        await sleep(25);
      }
      let prev = '';
      let stable = 0;
      for (;;) {
        const tree = await walkTree(cacheRoot);
        const inflight = tree.filter((f) => /^aptmp/.test(f.rel) && !leftovers.has(f.path));
        const sig = tree.map((f) => `${f.rel}:${f.size}:${f.ino}:${f.mtimeMs}`).join('\n');
        if (inflight.length === 0 && sig === prev) { if (++stable >= 2) return tree; } else stable = 0;
        prev = sig;
        if (Date.now() > deadline) throw new Error(`waitForCommit: cache tree still changing (${inflight.length} temp files in flight)`);
        await sleep(60);
      }
    },

    /**
     * Starts a slow download, waits until httpd streams it into `CacheRoot/aptmpXXXXXX`,
     * then SIGKILLs the httpd child writing it: the temp file stays behind, as on a real
     * server whose child died. Returns the temp file's path.
     * @param {string} [name]  a slow distfile (default: the catalog's first)
     */
    async leaveTempFile(name) {
      const f = name ? byName.get(name) : files.find((x) => x.slow);
      if (!f) throw new Error('leaveTempFile: no slow distfile in the catalog');
      const before = new Set(readdirSync(cacheRoot).filter((n) => n.startsWith('aptmp')));
      const req = http.get({ host: HOST, port, path: f.path, agent });
      const done = new Promise((resolve) => {
        req.on('response', (res) => { res.on('data', () => {}); res.on('end', resolve); res.on('error', resolve); res.on('aborted', resolve); });
        req.on('error', resolve);
        req.on('close', resolve);
      });
      const deadline = Date.now() + 10_000;
      for (;;) {
        const fresh = readdirSync(cacheRoot).filter((n) => n.startsWith('aptmp') && !before.has(n));
        for (const n of fresh) {
          const p = join(cacheRoot, n);
          let size = 0;
          try { size = statSync(p).size; } catch { continue; }
          if (size === 0) continue;
          const pid = pidHoldingFile(childPids(httpd?.pid ?? -1), p);
          if (pid === null) continue;
          process.kill(pid, 'SIGKILL');
          leftovers.add(p);
          await Promise.race([done, sleep(5000)]);
          req.destroy();
          // The killed connection never reaches the access log.
          return { path: p, pid, size: statSync(p).size };
        }
        if (Date.now() > deadline) { req.destroy(); throw new Error('leaveTempFile: httpd never opened a temp file for the slow download'); }
        await sleep(30);
      }
    },

    /** Temp files left on purpose by leaveTempFile (still present or not). */
    get leftoverTempFiles() { return [...leftovers]; },

    /** Error-log lines (to check for crashes). */
    errorLogText() { try { return readFileSync(lab.errorLog, 'utf8'); } catch { return ''; } },

    /** Stops httpd and the mirrors and removes the lab dir. Safe to call twice. */
    async stop() {
      if (stopped) return;
      stopped = true;
      agent.destroy();
      try {
        await stopHttpd();
      } finally {
        for (const m of mirrors) { m.server.closeAllConnections(); await new Promise((r) => m.server.close(() => r(undefined))); }
        if (!process.env.CACHECTL_LAB_KEEP) await rm(dir, { recursive: true, force: true });
      }
    },
  };

  async function stopHttpd() {
    const child = httpd;
    if (!child || child.pid === undefined) return;
    const pgid = child.pid;
    const exited = child.exitCode !== null || child.signalCode !== null
      ? Promise.resolve()
      : new Promise((r) => child.once('exit', r));
    try { process.kill(-pgid, 'SIGTERM'); } catch { /* gone */ }
    await Promise.race([exited, sleep(4000)]);
    // Children stuck on a slow upstream ignore SIGTERM for a while: no waiting for them.
    for (let i = 0; i < 50 && groupAlive(pgid); i++) {
      try { process.kill(-pgid, 'SIGKILL'); } catch { /* gone */ }
      await sleep(50);
    }
    if (watchdog?.pid !== undefined) { try { process.kill(watchdog.pid, 'SIGKILL'); } catch { /* gone */ } }
    watchdog = null;
    if (groupAlive(pgid)) throw new Error(`httpd process group ${pgid} survived SIGKILL`);
    liveGroups.delete(pgid);
  }

  try {
    for (let i = 0; i < 2; i++) mirrors.push(await startMirror(i, byName, upstreamLog, opts.slowChunkMs ?? 150));
    installExitHook();
    for (let attempt = 0; ; attempt++) {
      port = await freePort();
      writeFileSync(lab.confPath, httpdConfig({
        dir, cacheRoot, port, dirLevels, dirLength, mpm: opts.mpm ?? 'event', user, group,
        cacheMaxFileSize: opts.cacheMaxFileSize === undefined ? 1_000_000_000 : opts.cacheMaxFileSize,
        upstreamPorts: mirrors.map((m) => m.port), debugLog: !!opts.debugLog,
      }));
      stderr = '';
      const child = spawn(apache2, ['-d', dir, '-f', lab.confPath, '-DFOREGROUND'], {
        detached: true, // own process group: stop() kills httpd and all its children at once
        stdio: ['ignore', 'ignore', 'pipe'],
        env: { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C' },
      });
      httpd = child;
      if (child.pid !== undefined) {
        liveGroups.add(child.pid);
        watchdog = startWatchdog(child.pid);
      }
      child.stderr?.on('data', (d) => { stderr += d; });
      const ok = await waitUntilServing(child);
      if (ok) break;
      await stopHttpd();
      const log = lab.errorLogText();
      if (attempt < 4 && /Address already in use|could not bind/i.test(stderr + log)) continue;
      throw new Error(`httpd did not start:\n${stderr}\n${log}`);
    }
    return lab;
  } catch (e) {
    await lab.stop();
    throw e;
  }

  /** Polls with a request to a path outside the proxy (a 403, never cached). */
  async function waitUntilServing(child) {
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null) return false;
      try {
        const r = await lab.fetch('/lab-ping', {}, { timeoutMs: 2000 });
        if (r.status > 0) return true;
      } catch { sent--; /* not listening yet: never logged */ }
      await sleep(100);
    }
    return false;
  }
}

/** True when this machine can run the lab (apache2 binary and its modules present). */
export function labAvailable() {
  return !!findApache2() && existsSync(join(MODULES_DIR, 'mod_cache_disk.so'));
}
