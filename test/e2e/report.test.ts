import { describe, expect, test } from 'vitest';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCachectl } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { writeEveryKind } from '../scan/fixtureTree.js';

describe('cachectl report (spawned bin)', () => {
  test('--json has the documented fields with the right counts', async () => {
    const root = await tempDir();
    const f = await writeEveryKind(root, Date.now());
    const r = await runCachectl(['report', '--json', root]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    for (const k of ['root', 'format', 'entries', 'files', 'directories', 'bytes', 'diskBytes', 'tempFiles', 'orphans', 'unusable', 'expired', 'errors', 'filesystem', 'largest', 'ageHistogram']) {
      expect(j).toHaveProperty(k);
    }
    expect(j.entries).toBe(f.entries.length);
    expect(j.tempFiles.count).toBe(2);
    expect(j.orphans.count).toBe(2);
    expect(j.unusable.count).toBe(2);
    expect(j.varyGroups).toBe(1);
    expect(j.filesystem.size).toBeGreaterThan(0);
    expect(j.largest[0].url).toContain('pkg-5');
    expect(j.ageHistogram.reduce((a: number, b: { count: number }) => a + b.count, 0)).toBe(j.entries);
    expect(r.stderr).toBe('');
  });

  test('human report names the sections an admin looks for', async () => {
    const root = await tempDir();
    await writeEveryKind(root, Date.now());
    const r = await runCachectl(['report', root]);
    expect(r.code).toBe(0);
    for (const s of ['entries', 'temp files', 'orphans', 'unusable', 'expired', 'Last access', 'Largest', 'By host', 'filesystem', 'CacheMaxExpire']) {
      expect(r.stdout).toContain(s);
    }
    expect(r.stdout).not.toMatch(/\x1b\[/); // NO_COLOR and not a TTY
  });

  test.each([
    [['report', '/nonexistent/cache'], 2, 'cache directory /nonexistent/cache does not exist'],
    [['report'], 2, 'report needs a cache directory'],
    [['report', '--bogus', '/tmp'], 2, "unknown option '--bogus'"],
    [['report', '--format', 'squid', '/tmp'], 2, "argument 'squid' is invalid"],
    [['reprot', '/tmp'], 2, 'Did you mean report?'],
  ])('%j exits %i with one clear sentence', async (args, code, message) => {
    const r = await runCachectl(args);
    expect(r.code).toBe(code);
    expect(r.stderr).toContain(message);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  test('a file instead of a directory is a usage error', async () => {
    const dir = await tempDir();
    const file = join(dir, 'f');
    await writeFile(file, 'x');
    const r = await runCachectl(['report', file]);
    expect(r).toMatchObject({ code: 2, stderr: `cachectl: ${file} is not a directory\n` });
  });

  test('the demo builds a sample cache, reports on it, and prunes it after a dry run', async () => {
    const r = await runCachectl(['demo']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('A sample Gentoo distfiles mirror cache');
    expect(r.stdout).toContain('By first path segment');
    expect(r.stdout).toMatch(/^lru\s/m);
    expect(r.stderr).toContain('Dry run: nothing deleted.');
    expect(r.stderr).toMatch(/removed\s+[\d.]+ MiB/);
  });
});
