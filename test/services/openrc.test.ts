import { describe, expect, test } from 'vitest';
import { execFile } from 'node:child_process';
import { chmod, mkdir, symlink, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BIN } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const INITD = fileURLToPath(new URL('../../openrc/cachectl.initd', import.meta.url));

/**
 * openrc-run is not installed here, so we do what it does: source conf.d (here: shell
 * assignments), then the init script, in /bin/sh, with stubs for the functions and
 * helpers it calls. The cwd holds files, so an unquoted `*` would visibly glob.
 */
async function sourceInitd(confd: string, body: string, env: NodeJS.ProcessEnv = {}, { installed = true } = {}) {
  const cwd = await tempDir('cachectl-openrc-');
  for (const f of ['apple', 'banana', 'cherry']) await writeFile(join(cwd, f), '');
  // An installed cachectl, as npm links it: PREFIX/bin/cachectl -> ../lib/node_modules/cachectl/bin/cachectl.js.
  const prefix = join(cwd, 'prefix');
  await mkdir(join(prefix, 'bin'), { recursive: true });
  if (installed) {
    await mkdir(join(prefix, 'lib/node_modules/cachectl/bin'), { recursive: true });
    await writeFile(join(prefix, 'lib/node_modules/cachectl/bin/cachectl.js'), '', { mode: 0o755 });
    await symlink('../lib/node_modules/cachectl/bin/cachectl.js', join(prefix, 'bin/cachectl'));
  }
  const stubs = join(cwd, 'stubs');
  const calls = join(cwd, 'calls.log');
  await writeFile(join(cwd, 'mkstubs.sh'), `mkdir -p ${stubs}
for t in supervise-daemon checkpath; do
  printf '#!/bin/sh\\necho "$(basename "$0") $*" >> ${calls}\\n' > ${stubs}/$t
  chmod +x ${stubs}/$t
done`);
  const script = `set -e
sh ./mkstubs.sh
PATH="${stubs}:${join(prefix, 'bin')}:$PATH"
ebegin() { echo "ebegin $*" >> ${calls}; }
eerror() { echo "eerror $*" >> ${calls}; }
eend() { echo "eend $1" >> ${calls}; return "$1"; }
RC_SVCNAME=cachectl
${confd}
. ${INITD}
${body}`;
  await writeFile(join(cwd, 'run.sh'), script);
  await chmod(join(cwd, 'run.sh'), 0o755);
  return new Promise<{ code: number; stdout: string; stderr: string; calls: () => Promise<string> }>((resolve) => {
    execFile('sh', ['./run.sh'], { cwd, env: { PATH: process.env.PATH, HOME: cwd, ...env } }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr, calls: () => import('node:fs/promises').then((fs) => fs.readFile(calls, 'utf8').catch(() => '')) });
    });
  });
}

/** What supervise-daemon.sh does with command_args (eval), then the daemon's environment. */
const SHOW = `
eval "set -- $command_args"
printf 'command=%s\\n' "$command"
for a in "$@"; do printf 'arg=%s\\n' "$a"; done
printf 'user=%s\\npidfile=%s\\nerror_log=%s\\n' "$command_user" "$pidfile" "$error_log"
env | grep '^CACHECTL_' | sort | sed 's/^/env:/'
`;

function parse(stdout: string) {
  const lines = stdout.trim().split('\n');
  const pick = (p: string) => lines.filter((l) => l.startsWith(p)).map((l) => l.slice(p.length));
  return {
    command: pick('command=')[0], args: pick('arg='), user: pick('user=')[0], pidfile: pick('pidfile=')[0],
    env: Object.fromEntries(pick('env:').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)])),
  };
}

describe('openrc/cachectl.initd, sourced as openrc-run does', () => {
  test('defaults: node runs the script the `cachectl` on the PATH links to, settings are exported, the default cron is not globbed', async () => {
    const r = await sourceInitd('', SHOW);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const p = parse(r.stdout);
    expect(p.command).toBe('/usr/bin/node');
    expect(p.args).toEqual([expect.stringMatching(/\/prefix\/lib\/node_modules\/cachectl\/bin\/cachectl\.js$/), 'schedule']);
    expect(p.user).toBe('apache:apache');
    expect(p.pidfile).toBe('/run/cachectl.pid');
    expect(p.env).toMatchObject({
      CACHECTL_PATH: '/var/cache/apache2/dist-files', CACHECTL_LIMIT: '50G', CACHECTL_CRON: '0 3 * * *',
      CACHECTL_CONFIG: '-/etc/conf.d/cachectl', CACHECTL_STATE_DIR: '/var/lib/cachectl',
    });
  });

  test('conf.d values, a cron expression full of * included, reach the daemon verbatim', async () => {
    const confd = `CACHECTL_CRON="*/5 * * * *"
CACHECTL_LIMIT="20G"
CACHECTL_WATCH_FREE="10%"
CACHECTL_KEEP_NEWER_THAN="2h"
CACHECTL_USER="www-data"
CACHECTL_GROUP="www-data"
UNRELATED="not exported"`;
    const p = parse((await sourceInitd(confd, SHOW)).stdout);
    expect(p.env.CACHECTL_CRON).toBe('*/5 * * * *');
    expect(p.env).toMatchObject({ CACHECTL_LIMIT: '20G', CACHECTL_WATCH_FREE: '10%', CACHECTL_KEEP_NEWER_THAN: '2h' });
    expect(p.env.UNRELATED).toBeUndefined();
    expect(p.args).toEqual([expect.stringMatching(/\/cachectl\/bin\/cachectl\.js$/), 'schedule']);
    expect(p.args.join(' ')).not.toMatch(/apple|banana/);
    expect(p.user).toBe('www-data:www-data');
  });

  test('the exported environment drives the real cachectl: `schedule --check` sees the cron verbatim', async () => {
    const cache = await tempDir();
    const confd = `CACHECTL_NODE="${process.execPath}"
CACHECTL_SCRIPT="${BIN}"
CACHECTL_PATH="${cache}"
CACHECTL_CRON="*/5 * * * *"
CACHECTL_WATCH_FREE="10%"
CACHECTL_IF_CHANGED="no"`;
    const r = await sourceInitd(confd, 'eval "set -- $command_args"\n"$command" "$@" --check');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ dir: cache, cron: '*/5 * * * *', watchFree: { percent: 10 }, ifChanged: false, prune: { limit: 50 * 2 ** 30 } });
  });

  test('start_pre creates the log for the daemon user and rejects a bad setting before starting', async () => {
    const cache = await tempDir();
    const base = `CACHECTL_NODE="${process.execPath}"\nCACHECTL_SCRIPT="${BIN}"\nCACHECTL_PATH="${cache}"`;
    const good = await sourceInitd(base, 'start_pre');
    expect(good.code).toBe(0);
    expect(await good.calls()).toBe('checkpath --file --owner apache:apache --mode 0640 /var/log/cachectl.log\ncheckpath --directory --owner apache:apache --mode 0750 /var/lib/cachectl\n');
    const bad = await sourceInitd(`${base}\nCACHECTL_CRON="0 25 * * *"`, 'start_pre');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/invalid cron expression '0 25 \* \* \*'/);
  });

  const systemWide = ['/usr/local/bin/cachectl', '/usr/bin/cachectl'].filter((p) => existsSync(p));
  test.skipIf(systemWide.length > 0)(`no cachectl installed: start_pre fails and says so, nothing else runs${systemWide.length ? ` (skipped: ${systemWide.join(', ')} is installed here)` : ''}`, async () => {
    const r = await sourceInitd('', 'start_pre', {}, { installed: false });
    expect(r.code).not.toBe(0);
    expect(await r.calls()).toBe('eerror cachectl is not installed (no cachectl on the PATH, in /usr/local/bin or /usr/bin): install it, or set CACHECTL_SCRIPT in /etc/conf.d/cachectl\n');
  });

  test('reload checks the new settings, then sends SIGHUP through supervise-daemon', async () => {
    const cache = await tempDir();
    const r = await sourceInitd(`CACHECTL_NODE="${process.execPath}"\nCACHECTL_SCRIPT="${BIN}"\nCACHECTL_PATH="${cache}"`, 'reload');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(await r.calls()).toBe('ebegin Reloading cachectl settings\nsupervise-daemon cachectl --signal HUP\neend 0\n');
  });
});
