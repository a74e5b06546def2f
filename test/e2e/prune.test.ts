import { describe, expect, test } from 'vitest';
import { spawn } from 'node:child_process';
import { access, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCachectl } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { writeEntry } from '../../src/core/sample/writeEntry.js';
import { writeEveryKind, url, DAY } from '../scan/fixtureTree.js';

async function cache(n = 40): Promise<string> {
  const root = await tempDir();
  const now = Date.now();
  for (let i = 0; i < n; i++) {
    await writeEntry(root, { key: url(`p${i}.tar.xz`), body: 4096 * (1 + (i % 5)), fetchedAt: now - (i + 1) * DAY }, { levels: 2, length: 1 });
  }
  return root;
}
const exists = (p: string) => access(p).then(() => true, () => false);

describe('cachectl prune (spawned bin)', () => {
  test.each([
    { reader: 'native', env: {} },
    { reader: 'portable (CACHECTL_NATIVE=0)', env: { CACHECTL_NATIVE: '0' } },
  ])('the dry run predicts exactly what the real run then deletes ($reader)', async ({ env }) => {
    const root = await cache();
    const dry = await runCachectl(['prune', root, '--limit', '200K', '--usage', 'apparent', '--dry-run', '--json'], { env });
    expect(dry.code).toBe(0);
    const plan = JSON.parse(dry.stdout);
    expect(plan.dryRun).toBe(true);
    expect(plan.plan.length).toBeGreaterThan(5);
    for (const v of plan.plan) for (const f of v.files) expect(await exists(join(root, f))).toBe(true); // nothing deleted
    const real = await runCachectl(['prune', root, '--limit', '200K', '--usage', 'apparent', '--json', '-v'], { env });
    expect(real.code).toBe(0);
    const done = JSON.parse(real.stdout);
    expect(done.plan.map((v: { url: string }) => v.url)).toEqual(plan.plan.map((v: { url: string }) => v.url));
    expect(done.removed).toEqual(plan.removed);
    for (const v of plan.plan) for (const f of v.files) expect(await exists(join(root, f))).toBe(false);
    expect(done.after.bytes).toBeLessThanOrEqual(200 * 1024);
    // The oldest go first.
    expect(plan.plan[0].url).toBe(url('p39.tar.xz'));
  });

  test('human dry run prints the plan on stdout and the summary on stderr', async () => {
    const root = await cache(10);
    const r = await runCachectl(['prune', root, '--limit', '30K', '--usage', 'apparent', '--dry-run']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/^lru\s+\d.*p9\.tar\.xz\?$/);
    expect(r.stderr).toContain('Dry run: nothing deleted.');
    expect(r.stderr).toMatch(/tail age/);
  });

  test('dead weight goes even under the limit; young temp files stay', async () => {
    const root = await tempDir();
    const f = await writeEveryKind(root, Date.now());
    const r = await runCachectl(['prune', root, '--limit', '1G', '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.removed.byReason.temp.entries).toBe(1);
    expect(j.removed.byReason.lru.entries).toBe(0);
    expect(await exists(f.oldTemp)).toBe(false);
    expect(await exists(f.newTemp)).toBe(true);
    expect(await exists(f.orphanData)).toBe(false);
  });

  test('--keep-newer-than that makes the target unreachable exits 4 and says so', async () => {
    const root = await cache(5);
    const r = await runCachectl(['prune', root, '--limit', '1', '--keep-newer-than', '3d']);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/limit 1 B not met: .* left; 2 entries were used within --keep-newer-than/);
  });

  test('--min-free 100% evicts everything evictable and reports the miss; 0% evicts nothing', async () => {
    const root = await cache(5);
    const none = await runCachectl(['prune', root, '--min-free', '0%', '--json']);
    expect(JSON.parse(none.stdout).removed.entries).toBe(0);
    const all = await runCachectl(['prune', root, '--min-free', '100%', '--json', '--keep-newer-than', '2d']);
    const j = JSON.parse(all.stdout);
    expect(j.removed.entries).toBe(4);
    expect(all.code).toBe(4);
  });

  test('-t removes directories left empty', async () => {
    const root = await cache(3);
    const r = await runCachectl(['prune', root, '--max-entries', '0', '-t', '--json']);
    expect(JSON.parse(r.stdout).emptyDirsRemoved).toBeGreaterThan(0);
    const { readdir } = await import('node:fs/promises');
    expect(await readdir(root)).toEqual([]);
  });

  test('a live lock holder makes a second prune exit 3 naming its pid; a dead one is taken over', async () => {
    const root = await cache(5);
    const holder = spawn('sleep', ['30']);
    try {
      await writeFile(join(root, '.cachectl.lock'), `${holder.pid}\n`);
      const r = await runCachectl(['prune', root, '--limit', '1K', '--usage', 'apparent']);
      expect(r.code).toBe(3);
      expect(r.stderr).toContain(`another cachectl (pid ${holder.pid}) is pruning`);
    } finally {
      holder.kill();
    }
    await new Promise((res) => holder.once('exit', res));
    const r2 = await runCachectl(['prune', root, '--limit', '1K', '--usage', 'apparent']);
    expect(r2.code).toBe(0);
    expect(await exists(join(root, '.cachectl.lock'))).toBe(false); // released
  });

  test('--wait-lock waits for the holder to finish', async () => {
    const root = await cache(5);
    const holder = spawn('sleep', ['1']);
    await writeFile(join(root, '.cachectl.lock'), `${holder.pid}\n`);
    const r = await runCachectl(['prune', root, '--limit', '1K', '--usage', 'apparent', '--wait-lock', '10s']);
    expect(r.code).toBe(0);
    expect((await readFile(join(root, '..', root.split('/').pop()!, '.cachectl.lock')).catch(() => 'gone'))).toBe('gone');
  });

  test('--prom-file writes node_exporter metrics after a real run, not after a dry run', async () => {
    const root = await cache(5);
    const prom = join(await tempDir(), 'cachectl.prom');
    await runCachectl(['prune', root, '--limit', '1K', '--usage', 'apparent', '--dry-run', '--prom-file', prom]);
    expect(await exists(prom)).toBe(false);
    const r = await runCachectl(['prune', root, '--limit', '1K', '--usage', 'apparent', '--prom-file', prom]);
    expect(r.code).toBe(0);
    const text = await readFile(prom, 'utf8');
    expect(text).toMatch(/^# TYPE cachectl_cache_bytes gauge$/m);
    expect(text).toMatch(/^cachectl_last_run_evicted_entries\{root="[^"]+",reason="lru"\} 5$/m);
    expect(text).toMatch(/^cachectl_last_success_timestamp_seconds\{root="[^"]+"\} \d+/m);
  });

  test.each([
    [['prune', '/tmp'], 'prune needs a target: --limit SIZE, --max-entries N or --min-free SIZE|PCT%'],
    [['prune', '/tmp', '--limit', '50X'], 'expected e.g. 50G'],
    [['prune', '/tmp', '--limit', '-1G'], 'expected e.g. 50G'],
    [['prune', '/tmp', '--limit', ''], 'expected e.g. 50G'],
    [['prune', '/tmp', '--limit', '99999999999P'], 'too large'],
    [['prune', '/tmp', '--min-free', '120%'], 'expected 0-100%'],
    [['prune', '/tmp', '--max-entries', '1.5'], 'expected a whole number'],
    [['prune', '/tmp', '-l', '1G', '--usage', 'blocks'], "argument 'blocks' is invalid"],
    [['prune', '/tmp', '-l', '1G', '--keep-newer-than', 'soon'], 'expected e.g. 30m'],
    [['prune', '-l', '1G'], 'prune needs a cache directory'],
  ])('%j is a usage error (exit 2)', async (args, msg) => {
    const r = await runCachectl(args, { env: { CACHECTL_PATH: '' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(msg);
  });
});
