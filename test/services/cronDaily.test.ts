import { describe, expect, test } from 'vitest';
import { execFile } from 'node:child_process';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from '../helpers/tmp.js';

const SCRIPT = fileURLToPath(new URL('../../contrib/cron.daily/cachectl', import.meta.url));

/**
 * Runs contrib/cron.daily/cachectl with a stub cachectl that records its arguments and
 * environment and exits with `status`; runuser, nice, ionice, install and logger are
 * stubs too (no apache user here, and no root needed).
 */
async function runDaily(status: number, defaults: string) {
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
  await writeFile(join(dir, 'default'), defaults);
  return new Promise<{ code: number; stdout: string; stderr: string; record: () => Promise<string>; file: (s: string) => Promise<string> }>((resolve) => {
    execFile('sh', [SCRIPT], {
      env: { PATH: `${dir}:${process.env.PATH}`, CACHECTL: join(dir, 'cachectl'), CACHECTL_DEFAULTS: join(dir, 'default') },
    }, (err, stdout, stderr) => resolve({
      code: err ? Number(err.code) : 0, stdout, stderr,
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

  test('defaults without a settings file: the Gentoo user and path, 50G', async () => {
    const r = await runDaily(0, '');
    expect(r.code).toBe(0);
    expect(await r.record()).toMatch(/args: prune \/var\/cache\/apache2\/dist-files\n[^]*CACHECTL_LIMIT=50G\n/);
    expect(await r.file('.calls')).toContain('runuser -u apache\n');
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
