import { describe, expect, test } from 'vitest';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { runCachectl } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { which } from '../helpers/tools.js';

const repo = (p: string) => fileURLToPath(new URL(`../../${p}`, import.meta.url));

/** Environment= assignments of a unit, with systemd's quoting ("A=b c" is one word). */
async function unitEnv(unit: string): Promise<Record<string, string>> {
  const env: Record<string, string> = {};
  for (const line of (await readFile(repo(unit), 'utf8')).split('\n')) {
    if (!line.startsWith('Environment=')) continue;
    for (const m of line.slice('Environment='.length).matchAll(/"([^"]*)"|(\S+)/g)) {
      const word = m[1] ?? m[2];
      env[word.slice(0, word.indexOf('='))] = word.slice(word.indexOf('=') + 1);
    }
  }
  return env;
}

/** The ExecStart= words after the binary, with $X / ${X} substituted as systemd does. */
async function execArgs(unit: string, env: Record<string, string>): Promise<string[]> {
  const line = (await readFile(repo(unit), 'utf8')).split('\n').find((l) => l.startsWith('ExecStart='))!;
  return line.split(/\s+/).slice(1).flatMap((w) => {
    const braced = /^\$\{(\w+)\}$/.exec(w);
    if (braced) return [env[braced[1]] ?? ''];
    const bare = /^\$(\w+)$/.exec(w);
    if (bare) return (env[bare[1]] ?? '').split(/\s+/).filter(Boolean);
    return [w];
  });
}

describe('systemd units', () => {
  test('.ci/check-services.sh passes (systemd-analyze verify, sh -n, sandbox rules)', async () => {
    if (!which('systemd-analyze')) throw new Error('systemd-analyze is missing: apt-get install systemd');
    const r = await new Promise<{ code: number; out: string }>((resolve) => {
      execFile('bash', [repo('.ci/check-services.sh')], (err, stdout, stderr) => resolve({ code: err ? Number(err.code) || 1 : 0, out: stdout + stderr }));
    });
    expect(r.out).not.toMatch(/^FAIL/m);
    expect(r.out).toMatch(/check-services: all passed/);
    expect(r.code).toBe(0);
  });

  test('the scheduler unit: its Environment= and ExecStart= make a valid `cachectl schedule`', async () => {
    const cache = await tempDir();
    const env = { ...(await unitEnv('systemd/cachectl-scheduler.service')), CACHECTL_PATH: cache };
    expect(env).toMatchObject({ CACHECTL_LIMIT: '50G', CACHECTL_CRON: '0 3 * * *', CACHECTL_CONFIG: '-/etc/default/cachectl' });
    const args = await execArgs('systemd/cachectl-scheduler.service', env);
    expect(args).toEqual(['schedule']);
    const r = await runCachectl([...args, '--check'], { env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ dir: cache, cron: '0 3 * * *', prune: { limit: 50 * 2 ** 30 } });
  });

  test('the oneshot unit: its ExecStart= is a valid `cachectl prune` (dry run here)', async () => {
    const cache = await tempDir();
    const env = { ...(await unitEnv('systemd/cachectl.service')), CACHECTL_PATH: cache, CACHECTL_STATE_DIR: await tempDir() };
    const args = await execArgs('systemd/cachectl.service', env);
    expect(args).toEqual(['prune', cache]);
    const r = await runCachectl([...args, '--dry-run', '--json'], { env });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ dryRun: true, targets: { limit: 50 * 2 ** 30 } });
  });
});
