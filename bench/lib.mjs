// Shared helpers for the bench/ scripts: timed child processes with peak RSS, page-cache
// dropping, medians and plain-text tables.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, closeSync, readFileSync, readSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, release } from 'node:os';
import { join } from 'node:path';

export const TIME_BIN = '/usr/bin/time';
// Debian's apache2-utils installs it in /usr/bin; npm with prefix /usr may put our drop-in there.
export const HTCACHECLEAN = process.env.HTCACHECLEAN ?? ['/usr/bin/htcacheclean', '/usr/sbin/htcacheclean'].find((p) => existsSync(p) && isCompiled(p)) ?? '/usr/bin/htcacheclean';

/** Apache's programs are compiled; cachectl's htcacheclean drop-in is a node script. */
function isCompiled(path) {
  const fd = openSync(realpathSync(path), 'r');
  try {
    const head = Buffer.alloc(4);
    return readSync(fd, head, 0, 4, 0) === 4 && head.equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46]));
  } finally {
    closeSync(fd);
  }
}

/** Fails early with the fix when a tool is missing, or is our own drop-in (timing cachectl against itself). */
export function requireTools() {
  if (!existsSync(TIME_BIN)) throw new Error(`${TIME_BIN} is missing: apt-get install -y time`);
  if (!existsSync(HTCACHECLEAN)) throw new Error(`${HTCACHECLEAN} is missing: apt-get install -y apache2-utils`);
  if (!isCompiled(HTCACHECLEAN)) throw new Error(`${HTCACHECLEAN} is a script, not Apache's htcacheclean (cachectl's own drop-in?): apt-get install -y apache2-utils, or set HTCACHECLEAN`);
}

/** `sync; echo 3 > /proc/sys/vm/drop_caches` (root only): page cache, dentries and inodes. */
export function dropCaches() {
  const r = spawnSync('sync');
  if (r.status !== 0) throw new Error('sync failed');
  try {
    writeFileSync('/proc/sys/vm/drop_caches', '3\n');
  } catch (e) {
    throw new Error(`cannot drop the page cache (--cold needs root): ${e.message}`);
  }
}

/**
 * Runs `cmd args` under /usr/bin/time and resolves to wall seconds (our own clock), peak
 * RSS in bytes (GNU time %M, KiB) and the exit status. stdout goes to /dev/null unless
 * `captureStdout`; stderr is kept (htcacheclean -v prints its statistics there).
 * With `timeoutSeconds`, the process group is killed then and `timedOut` is set.
 */
export function runMeasured(cmd, args, { env, captureStdout = false, timeoutSeconds, cwd } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'cachectl-bench-'));
  const timeFile = join(dir, 'time');
  const outFile = join(dir, 'stdout');
  const errFile = join(dir, 'stderr');
  const outFd = captureStdout ? openSync(outFile, 'w') : 'ignore';
  const errFd = openSync(errFile, 'w');
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(TIME_BIN, ['-f', '%e %M %U %S', '-o', timeFile, cmd, ...args], {
      stdio: ['ignore', outFd, errFd], env: env ? { ...process.env, ...env } : process.env, cwd, detached: true,
    });
    let timedOut = false;
    const timer = timeoutSeconds ? setTimeout(() => {
      timedOut = true;
      try { process.kill(-child.pid, 'SIGKILL'); } catch { /* already gone */ }
    }, timeoutSeconds * 1000) : null;
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      if (timer) clearTimeout(timer);
      if (typeof outFd === 'number') closeSync(outFd);
      closeSync(errFd);
      const timeOut = existsSync(timeFile) ? readFileSync(timeFile, 'utf8') : '';
      // GNU time prefixes "Command exited with non-zero status N" / "Command terminated by signal N".
      const m = /([\d.]+) (\d+) ([\d.]+) ([\d.]+)\s*$/.exec(timeOut);
      const stdout = captureStdout ? readFileSync(outFile, 'utf8') : '';
      const stderr = readFileSync(errFile, 'utf8');
      rmSync(dir, { recursive: true, force: true });
      resolve({ seconds, maxRss: m ? Number(m[2]) * 1024 : NaN, cpu: m ? Number(m[3]) + Number(m[4]) : NaN, code, signal, timedOut, stdout, stderr });
    });
  });
}

function cpuTimes() {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const idle = f[3] + (f[4] ?? 0);
  return { idle, total: f.reduce((a, b) => a + b, 0) };
}

/** Fraction of all CPUs busy over the next `ms` (from /proc/stat). */
export async function cpuBusy(ms = 1000) {
  const a = cpuTimes();
  await new Promise((r) => setTimeout(r, ms));
  const b = cpuTimes();
  const total = b.total - a.total;
  return total > 0 ? 1 - (b.idle - a.idle) / total : 0;
}

/**
 * Other people's jobs share the 2 cores: waits (up to `maxSeconds`) until the machine
 * has been mostly idle for a second, and returns how busy it was when we started.
 */
export async function waitIdle({ threshold = 0.15, maxSeconds = 120, log = () => {} } = {}) {
  const t0 = Date.now();
  let busy = await cpuBusy();
  let said = false;
  while (busy > threshold && Date.now() - t0 < maxSeconds * 1000) {
    if (!said) { log(`  (waiting for other jobs: CPU ${(busy * 100).toFixed(0)}% busy)`); said = true; }
    busy = await cpuBusy();
  }
  return busy;
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n === 0 ? NaN : n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
};

/** Left-aligned first column, right-aligned others. */
export function table(rows) {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
  return rows.map((r) => r.map((v, c) => (c === 0 ? String(v).padEnd(widths[c]) : String(v).padStart(widths[c]))).join('  ')).join('\n');
}

export const fmtS = (s) => (Number.isFinite(s) ? s.toFixed(2) : String(s));
export const fmtX = (x) => (Number.isFinite(x) ? `${x.toFixed(2)}x` : '-');
export const fmtMiB = (b) => (Number.isFinite(b) ? `${(b / 2 ** 20).toFixed(1)} MiB` : '-');

export function machine() {
  const c = cpus();
  return {
    date: new Date().toISOString(),
    cpus: c.length,
    cpuModel: c[0]?.model ?? '?',
    kernel: release(),
    node: process.version,
    threadpool: process.env.UV_THREADPOOL_SIZE ?? 'default (4)',
  };
}

/** Simple `--name value` / `--flag` parsing with defaults (node:util parseArgs, strict). */
export { parseArgs } from 'node:util';

/** The options every tree benchmark takes (parseArgs form): tree size and place, cold cache, runs. */
export function treeOptions({ entries, runs } = {}) {
  return {
    entries: { type: 'string', default: String(entries ?? 100000) },
    dir: { type: 'string' },
    cold: { type: 'boolean', default: false },
    runs: { type: 'string', default: String(runs ?? 3) },
  };
}
