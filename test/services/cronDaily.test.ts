import { describe, expect, test } from 'vitest';
import { execFile, execFileSync } from 'node:child_process';
import { chmod, mkdir, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from '../helpers/tmp.js';
import { BIN } from '../helpers/cli.js';
import { writeEntry } from '../../src/core/sample/writeEntry.js';
import { DAY, url } from '../scan/fixtureTree.js';

const SCRIPT = fileURLToPath(new URL('../../contrib/cron.daily/cachectl', import.meta.url));

/** What `stat -c %U` says of the cache dir (null: it does not exist), and which users `id` knows. */
interface Host { owner?: string | null; users?: string[]; cachectl?: 'env' | 'path' | 'none' }

/**
 * Runs contrib/cron.daily/cachectl with a stub cachectl that records its arguments and
 * environment and exits with `status`; runuser, nice, ionice, install and logger are
 * stubs too, and so are stat and id (the host's users and the cache's owner), so no
 * root and no apache user are needed.
 */
async function runDaily(status: number, defaults: string, host: Host = {}) {
  const { owner = 'apache', users = ['apache'], cachectl = 'env' } = host;
  const dir = await tempDir('cachectl-cron-');
  const record = join(dir, 'record');
  const stub = async (name: string, body: string) => {
    await writeFile(join(dir, name), `#!/bin/sh\n${body}\n`);
    await chmod(join(dir, name), 0o755);
  };
  await stub('cachectl', `{ echo "args: $*"; env | grep '^CACHECTL_' | sort; } > ${record}\necho "summary line"\nexit ${status}`);
  await stub('runuser', `echo "runuser $1 $2" >> ${record}.calls\nshift 3\nexec "$@"`); // runuser -u USER -- cmd...
  await stub('nice', 'shift 2\nexec "$@"');
  await stub('ionice', 'shift 2\nexec "$@"');
  await stub('install', `echo "install $*" >> ${record}.calls`);
  await stub('logger', `cat >> ${record}.syslog`);
  await stub('stat', owner === null ? 'exit 1' : `case "$2" in %U) echo '${owner}';; *) echo 4242;; esac`);
  await stub('id', `case " ${users.join(' ')} " in *" $2 "*) echo 1000;; *) echo "id: '$2': no such user" >&2; exit 1;; esac`);
  await writeFile(join(dir, 'default'), defaults);
  // cachectl named by CACHECTL, found on the PATH, or nowhere (the stub renamed away).
  if (cachectl === 'none') await rename(join(dir, 'cachectl'), join(dir, 'not-cachectl'));
  return new Promise<{ code: number; stdout: string; stderr: string; dir: string; record: () => Promise<string>; file: (s: string) => Promise<string> }>((resolve) => {
    execFile('sh', [SCRIPT], {
      env: { PATH: `${dir}:${process.env.PATH}`, ...(cachectl === 'env' ? { CACHECTL: join(dir, 'cachectl') } : {}), CACHECTL_DEFAULTS: join(dir, 'default') },
    }, (err, stdout, stderr) => resolve({
      code: err ? Number(err.code) : 0, stdout, stderr, dir,
      record: () => readFile(record, 'utf8'),
      file: (suffix) => readFile(record + suffix, 'utf8').catch(() => ''),
    }));
  });
}

describe('contrib/cron.daily/cachectl', () => {
  test('runs prune as the cache owner with /etc/default/cachectl exported, silently on success', async () => {
    const r = await runDaily(0, 'CACHECTL_LIMIT="20G"\nCACHECTL_CRON="*/5 * * * *"\nCACHECTL_USER="www-data"\n');
    expect([r.code, r.stdout, r.stderr]).toEqual([0, '', '']);
    const rec = await r.record();
    expect(rec).toContain('args: prune /var/cache/apache2/dist-files\n');
    expect(rec).toContain('CACHECTL_LIMIT=20G\n');
    expect(rec).toContain('CACHECTL_CRON=*/5 * * * *\n');
    expect(rec).toContain('CACHECTL_STATE_DIR=/var/lib/cachectl\n');
    expect(await r.file('.calls')).toBe('install -d -o www-data -m 0750 /var/lib/cachectl\nrunuser -u www-data\n');
    expect(await r.file('.syslog')).toBe('summary line\n');
  });

  test('no settings file: the Gentoo path, 50G, as the cache owner (apache on Gentoo)', async () => {
    const r = await runDaily(0, '');
    expect(r.code).toBe(0);
    expect(await r.record()).toMatch(/args: prune \/var\/cache\/apache2\/dist-files\n[^]*CACHECTL_LIMIT=50G\n/);
    expect(await r.file('.calls')).toBe('install -d -o apache -m 0750 /var/lib/cachectl\nrunuser -u apache\n');
  });

  test('Debian: the shipped settings file (no CACHECTL_USER line) runs as www-data, who owns the cache', async () => {
    const shipped = await readFile(fileURLToPath(new URL('../../systemd/cachectl.default', import.meta.url)), 'utf8');
    expect(shipped).not.toMatch(/^CACHECTL_USER=/m);
    const r = await runDaily(0, shipped, { owner: 'www-data', users: ['www-data'] });
    expect([r.code, r.stdout, r.stderr]).toEqual([0, '', '']);
    expect(await r.file('.calls')).toBe('install -d -o www-data -m 0750 /var/lib/cachectl\nrunuser -u www-data\n');
  });

  test.each([
    [['www-data'], 'www-data'],
    [['apache'], 'apache'],
    [['apache', 'www-data'], 'www-data'],
  ])('no cache directory yet, users %j: runs as %s (and cachectl says what is wrong)', async (users, user) => {
    const r = await runDaily(0, '', { owner: null, users });
    expect(r.code).toBe(0);
    expect(await r.file('.calls')).toContain(`runuser -u ${user}\n`);
  });

  test('no user to run as, or an owner without a name: one line, exit 1, cachectl not run', async () => {
    const none = await runDaily(0, '', { owner: null, users: [] });
    expect([none.code, none.stdout]).toEqual([1, '']);
    expect(none.stderr).toMatch(/^cachectl: neither www-data nor apache exists: set CACHECTL_USER in \S+\n$/);
    const unknown = await runDaily(0, '', { owner: 'UNKNOWN' });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^cachectl: the owner of \/var\/cache\/apache2\/dist-files \(uid 4242\) has no user name: set CACHECTL_USER in \S+\n$/);
    expect(await unknown.file('.calls')).toBe('');
  });

  test('without CACHECTL, the cachectl on the PATH runs (whatever the npm prefix)', async () => {
    const r = await runDaily(0, '', { cachectl: 'path' });
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(await r.record()).toContain('args: prune /var/cache/apache2/dist-files\n');
  });

  const systemWide = ['/usr/local/bin/cachectl', '/usr/bin/cachectl'].filter((p) => existsSync(p));
  test.skipIf(systemWide.length > 0)(`no cachectl anywhere: exit 1 and one line that cron mails, not a silent success${systemWide.length ? ` (skipped: ${systemWide.join(', ')} is installed here)` : ''}`, async () => {
    const r = await runDaily(0, '', { cachectl: 'none' });
    expect([r.code, r.stdout]).toEqual([1, '']);
    expect(r.stderr).toBe(`cachectl: cannot run cachectl (not installed? not on the PATH, in /usr/local/bin or /usr/bin): install it, set CACHECTL in ${r.dir}/default, or remove ${SCRIPT}\n`);
    expect(await r.file('.calls')).toBe('');
  });

  test('CACHECTL in the settings file names it; one that is not executable is an error', async () => {
    const r = await runDaily(0, 'CACHECTL=/nonexistent/cachectl\n', { cachectl: 'path' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^cachectl: cannot run \/nonexistent\/cachectl \(not installed\?/);
  });

  test('exit 3 (another cachectl holds the lock) is no failure and sends no mail', async () => {
    const r = await runDaily(3, '');
    expect([r.code, r.stdout, r.stderr]).toEqual([0, '', '']);
  });

  test('a failed run is reported (cron mails it) with its exit status', async () => {
    const r = await runDaily(1, '');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('cachectl prune failed (exit 1):\nsummary line\n');
  });
});

const IS_ROOT = process.getuid?.() === 0;
const hasWwwData = (() => {
  try {
    execFileSync('id', ['-u', 'www-data'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
const realReason = !IS_ROOT ? 'needs root (runuser, install -o)' : !hasWwwData ? 'needs the www-data user' : '';

/** Headers below `root`: one per entry (and one per vary group). */
const headers = async (root: string) => (await readdir(root, { recursive: true })).filter((f) => String(f).endsWith('.header')).length;

describe.skipIf(realReason !== '')(`contrib/cron.daily/cachectl for real: runuser, install, nice, ionice and cachectl itself${realReason ? ` (skipped: ${realReason})` : ''}`, () => {
  test('Debian: the shipped settings file and a cache owned by www-data: www-data prunes it to the limit and keeps its index; no output', async () => {
    const base = await tempDir('cachectl-cron-real-');
    await chmod(base, 0o755); // www-data must reach the cache, the state dir and the wrapper
    const cache = join(base, 'cache');
    const state = join(base, 'state');
    const bin = join(base, 'bin');
    await mkdir(cache);
    await mkdir(bin);
    const now = Date.now();
    for (let i = 0; i < 10; i++) await writeEntry(cache, { key: url(`d${i}.tar.xz`), body: 100_000, fetchedAt: now - (i + 2) * DAY }, { levels: 2, length: 1 });
    execFileSync('chown', ['-R', 'www-data:www-data', cache]);
    // The "installed" cachectl is this checkout's; the syslog is a file, not the host's.
    await writeFile(join(bin, 'cachectl'), `#!/bin/sh\nexec ${process.execPath} ${BIN} "$@"\n`, { mode: 0o755 });
    await writeFile(join(bin, 'logger'), `#!/bin/sh\ncat >> ${join(base, 'syslog')}\n`, { mode: 0o755 });
    const shipped = await readFile(fileURLToPath(new URL('../../systemd/cachectl.default', import.meta.url)), 'utf8');
    await writeFile(join(base, 'default'), `${shipped}\nCACHECTL_PATH="${cache}"\nCACHECTL_LIMIT="450K"\nCACHECTL_STATE_DIR="${state}"\n`);
    const before = await headers(cache);

    const r = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile('sh', [SCRIPT], { env: { PATH: `${bin}:${process.env.PATH}`, CACHECTL: join(bin, 'cachectl'), CACHECTL_DEFAULTS: join(base, 'default') } },
        (err, stdout, stderr) => resolve({ code: err ? Number(err.code) : 0, stdout, stderr }));
    });
    expect([r.code, r.stdout, r.stderr]).toEqual([0, '', '']);
    const after = await headers(cache);
    expect(after).toBeGreaterThan(0);
    expect(after).toBeLessThan(before);
    expect(await readFile(join(base, 'syslog'), 'utf8')).toMatch(/^Pruned /m);
    // The index was saved where the next run finds it, by and for www-data.
    const www = Number(execFileSync('id', ['-u', 'www-data'], { encoding: 'utf8' }));
    expect((await stat(state)).uid).toBe(www);
    expect((await readdir(state)).filter((n) => n.startsWith('index-'))).toHaveLength(1);
  });
});

test('docs/services.md: every cron line that runs cachectl itself gives it a state dir (else each run rescans the whole cache)', async () => {
  const doc = await readFile(fileURLToPath(new URL('../../docs/services.md', import.meta.url)), 'utf8');
  const blocks = [...doc.matchAll(/```cron\n([^]*?)```/g)].map((m) => m[1]);
  expect(blocks.length).toBeGreaterThan(0);
  for (const block of blocks) {
    if (!/cachectl (prune|report|list)\b/.test(block)) continue;
    expect(block, block).toMatch(/CACHECTL_STATE_DIR=\S|--state-dir \S/);
  }
});
