import { describe, expect, test } from 'vitest';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { runCachectl } from '../helpers/cli.js';
import { writeEntry } from '../../src/core/sample/writeEntry.js';
import { doctorJson, fixtureRoot, mkdirIn, ownAs } from './helpers.js';

const IDS = ['httpd-config', 'cache-root', 'dir-layout', 'max-file-size', 'freshness', 'last-modified', 'cache-lock', 'owner', 'log-format', 'scheduler', 'state-dir', 'free-space', 'native'];

async function debianWithCache(): Promise<string> {
  const root = await fixtureRoot('debian');
  const dir = await mkdirIn(root, 'var/cache/apache2/mod_cache_disk');
  await writeEntry(dir, { key: 'http://mirror.example.org:80/gentoo-distfiles/distfiles/a-1.tar.xz?', body: 100, fetchedAt: Date.now() }, { levels: 2, length: 1 });
  await ownAs(root, dir, 'www-data');
  return root;
}

describe('cachectl doctor (spawned bin)', () => {
  test('--json: one document, every check with id, status, message and fix, in a stable order', async () => {
    const j = await doctorJson(['--root-fs', await debianWithCache(), '--limit', '1M']);
    expect(j.checks.map((c) => c.id)).toEqual(IDS);
    for (const c of j.checks) {
      expect(Object.keys(c).slice(0, 4)).toEqual(['id', 'status', 'message', 'fix']);
      expect(['ok', 'warn', 'fail']).toContain(c.status);
      expect(c.fix === null).toBe(c.status === 'ok');
      expect(c.message).not.toMatch(/\n/);
    }
    expect(j.checks.filter((c) => c.cache).map((c) => c.cache)).toEqual(Array(10).fill('/var/cache/apache2/mod_cache_disk'));
    expect(j.run.stderr).toBe('');
  });

  test('the checklist: a header, one line per check, fixes and details indented, grouped by cache, counts at the end; no colour without a TTY', async () => {
    const root = await debianWithCache();
    const r = await runCachectl(['doctor', '--root-fs', root, '--limit', '1M']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('httpd: /etc/apache2/apache2.conf (13 files read, ServerRoot /etc/apache2)');
    expect(lines[1]).toMatch(/^ {2}ok {4}httpd-config {3}read 13 files/);
    expect(r.stdout).toContain('\ncache /var/cache/apache2/mod_cache_disk\n');
    expect(r.stdout).toMatch(/\n {2}FAIL {2}scheduler {6}two cleaners work on \/var\/cache\/apache2\/mod_cache_disk: .*\n {23}fix: systemctl disable --now apache-htcacheclean\.service\n {23}- apache-htcacheclean\.service \(systemd\)/);
    expect(lines.at(-2)).toMatch(/^\d+ ok, \d+ warnings?, 1 failure$/);
    expect(r.stdout).not.toMatch(/\x1b/);

    await rm(join(root, 'etc/systemd/system/multi-user.target.wants/apache-htcacheclean.service'));
    const fine = await runCachectl(['doctor', '--root-fs', root, '--limit', '1M', '/var/cache/apache2/mod_cache_disk']);
    expect(fine.code).toBe(0);
    expect(fine.stdout).toMatch(/, 0 failures\n$/);
  });

  test('usage errors exit 2 with one sentence; --help shows the command and its exit status', async () => {
    const bad = await runCachectl(['doctor', '--limit', 'lots']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("option '-l, --limit <size>' argument 'lots' is invalid");
    for (const [args, fragment] of [
      [['doctor', '/a', '/b'], 'too many arguments'],
      [['doctor', '--define'], "option '-D, --define <name>' argument missing"],
      [['doctor', '--root-fs'], "option '--root-fs <dir>' argument missing"],
      [['doctor', '--largest-file', '4X'], "argument '4X' is invalid"],
      [['doctor', '--bogus'], "unknown option '--bogus'"],
      [['doctor', '--root-fs', '/nonexistent/root'], '--root-fs /nonexistent/root is not a directory'],
    ] as const) {
      const r = await runCachectl([...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toContain(fragment);
      expect(r.stdout).toBe('');
    }
    const help = await runCachectl(['doctor', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: cachectl doctor [options] [dir]');
    expect(help.stdout).toContain('--httpd-config <file>');
    expect(help.stdout).toContain('Exit status: 0 when no check fails');
    expect((await runCachectl(['--help'])).stdout).toMatch(/doctor \[options\] \[dir\]/);
  });
});
