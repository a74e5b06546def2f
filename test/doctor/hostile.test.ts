import { describe, expect, test } from 'vitest';
import { chmod, mkdir, symlink, writeFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { tempDir } from '../helpers/tmp.js';
import { runCachectl } from '../helpers/cli.js';
import { check, doctorJson, IS_ROOT, NOBODY } from './helpers.js';

/**
 * A machine whose httpd configuration is hostile: each case must give a clear finding
 * in httpd-config, in a bounded time, never a crash (a stack, an exit other than 0/1)
 * or a hang. Readable by everyone: one case runs doctor as nobody.
 */
async function machine(files: Record<string, string | Buffer>): Promise<string> {
  const base = await tempDir('cachectl-hostile-');
  await chmod(base, 0o755);
  const root = join(base, 'root');
  for (const [p, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, p)), { recursive: true });
    await writeFile(join(root, p), text);
  }
  return root;
}

const MAIN = '/etc/apache2/httpd.conf';
const SEED = 'CacheEnable disk /\nCacheRoot /var/cache/apache2/dist-files\nLoadModule cache_module m/mod_cache.so\nLoadModule cache_disk_module m/mod_cache_disk.so\n';

async function run(root: string, opts: Parameters<typeof doctorJson>[1] = {}) {
  const started = Date.now();
  const j = await doctorJson(['--root-fs', root, '--limit', '1M'], { timeoutMs: 30_000, ...opts });
  expect(j.run.stderr).toBe('');
  return { ...j, ms: Date.now() - started, config: check(j, 'httpd-config') };
}

describe('hostile httpd configurations: a clear finding each, never a crash or a hang', () => {
  test(`an include that cannot be read ${IS_ROOT ? '(doctor run as nobody)' : '(doctor run as ourselves)'}: a gap in what is known, not a failure`, async () => {
    const root = await machine({
      [MAIN]: `${SEED}Include /etc/apache2/secret.conf\nInclude /etc/apache2/private/*.conf\n`,
      '/etc/apache2/secret.conf': 'CacheMaxFileSize 10000000000\n',
      '/etc/apache2/private/lock.conf': 'CacheLock on\n',
    });
    await chmod(join(root, 'etc/apache2/secret.conf'), 0o000);
    // root's 0700 is closed to nobody; our own directory must be closed to us.
    const priv = join(root, 'etc/apache2/private');
    await chmod(priv, IS_ROOT ? 0o700 : 0o000);
    let j;
    try { j = await run(root, IS_ROOT ? { uid: NOBODY, gid: NOBODY } : {}); } finally { await chmod(priv, 0o755); }
    expect(j.config.status).toBe('warn');
    expect(j.config.message).toBe('/etc/apache2/secret.conf (included from /etc/apache2/httpd.conf:5) cannot be read (permission denied): its settings are not checked (run doctor as root) (and 1 more finding)');
    // A directory it cannot list is not "a wildcard that matches nothing" (which would stop httpd).
    expect(j.config.details?.[1]).toBe('/etc/apache2/httpd.conf:6: /etc/apache2/private cannot be listed (permission denied): the files it includes are not checked (run doctor as root)');
    // What it would have said is unknown: the default applies to what doctor saw.
    expect(check(j, 'max-file-size').message).toContain('not set');
    expect(check(j, 'cache-root').message).toContain('/var/cache/apache2/dist-files');
  });

  test('an include loop (a includes b includes a) and a glob that matches its own file', async () => {
    const root = await machine({
      [MAIN]: `${SEED}Include /etc/apache2/a.conf\nInclude /etc/apache2/conf.d/*.conf\n`,
      '/etc/apache2/a.conf': 'Include /etc/apache2/b.conf\n',
      '/etc/apache2/b.conf': 'Include a.conf\n',
      '/etc/apache2/conf.d/self.conf': 'Include conf.d/*.conf\n',
    });
    const j = await run(root);
    expect(j.config.status).toBe('fail');
    expect(j.config.message).toMatch(/^include loop: \/etc\/apache2\/b\.conf:1 includes \/etc\/apache2\/a\.conf again, which is still being read \(httpd refuses to start.*\(and 1 more finding\)$/);
    expect(j.config.details).toEqual([expect.stringContaining('include loop'), expect.stringMatching(/^include loop: \/etc\/apache2\/conf\.d\/self\.conf:1 includes \/etc\/apache2\/conf\.d\/self\.conf again/)]);
    expect(j.config.fix).toContain('apachectl configtest');
    expect(j.code).toBe(1);
  });

  test('includes nested deeper than httpd allows (a chain of 140 files)', async () => {
    const files: Record<string, string> = { [MAIN]: `${SEED}Include /etc/apache2/chain/0.conf\n` };
    for (let i = 0; i < 140; i++) files[`/etc/apache2/chain/${i}.conf`] = `Include /etc/apache2/chain/${i + 1}.conf\n`;
    files['/etc/apache2/chain/140.conf'] = 'CacheMaxFileSize 10000000000\n';
    const j = await run(await machine(files));
    expect(j.config.status).toBe('fail');
    expect(j.config.message).toMatch(/includes nest deeper than 128 levels/);
  });

  test('a 10 MB configuration file is not read; a 3 MB one is, quickly', async () => {
    const big = Buffer.alloc(10 << 20, '# padding padding padding padding padding padding padding padding\n');
    const ok = '#\n'.repeat(1 << 20) + 'CacheMaxFileSize 10000000000\n';
    const root = await machine({ [MAIN]: `${SEED}Include /etc/apache2/big.conf\nInclude /etc/apache2/ok.conf\n`, '/etc/apache2/big.conf': big, '/etc/apache2/ok.conf': ok });
    const j = await run(root);
    expect(j.config.status).toBe('warn');
    expect(j.config.message).toBe(`/etc/apache2/big.conf (included from /etc/apache2/httpd.conf:5) is too large to be a configuration file (${10 << 20} bytes, more than ${4 << 20} read): its settings are not checked`);
    expect(check(j, 'max-file-size').status).toBe('ok');
    expect(j.ms).toBeLessThan(15_000);
  });

  test('binary garbage as an included file and as the main file', async () => {
    const garbage = Buffer.concat([Buffer.from('\x7fELF'), randomBytes(64 << 10)]);
    const root = await machine({ [MAIN]: `${SEED}Include /etc/apache2/garbage.conf\n`, '/etc/apache2/garbage.conf': garbage });
    const j = await run(root);
    expect(j.config.status).toBe('fail');
    expect(j.config.message).toBe('/etc/apache2/garbage.conf (included from /etc/apache2/httpd.conf:5) is binary data, not a text file (httpd refuses to start)');
    expect(check(j, 'cache-root').status).toBe('fail'); // the directory does not exist; the setting was read

    const main = await machine({ [MAIN]: garbage });
    const m = await run(main);
    expect(m.config).toMatchObject({ status: 'fail', message: '/etc/apache2/httpd.conf is binary data, not a text file' });
    expect(check(m, 'cache-root').message).toContain('no CacheRoot');
  });

  test('text that is not binary but still garbage: control characters, a 1 MB line, unbalanced quotes and sections', async () => {
    const root = await machine({
      [MAIN]: `${SEED}Include /etc/apache2/junk.conf\n`,
      '/etc/apache2/junk.conf': `<VirtualHost "*:80\nCacheRoot "/var/cache/\x1b[31mred\n${'x'.repeat(1 << 20)}\n</Nope>\n`,
    });
    const j = await run(root);
    expect(j.config.status).toBe('fail');
    expect(j.config.details).toEqual(expect.arrayContaining([expect.stringContaining("has no closing '>'"), expect.stringContaining('</nope> without a matching')]));
    // The human checklist escapes the control character the config carries.
    const text = await runCachectl(['doctor', '--root-fs', root, '--limit', '1M']);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain('/var/cache/\\x1b[31mred');
    expect(text.stdout).not.toContain('\x1b');
  });

  test('a FIFO, a device and a huge directory as includes: not read, no hang', async () => {
    const root = await machine({ [MAIN]: `${SEED}Include /etc/apache2/fifo.conf\nInclude /etc/apache2/zero.conf\nIncludeOptional /etc/apache2/many\n` });
    execFileSync('mkfifo', [join(root, 'etc/apache2/fifo.conf')]);
    await symlink('/dev/zero', join(root, 'etc/apache2/zero.conf'));
    await mkdir(join(root, 'etc/apache2/many'));
    for (let i = 0; i < 2100; i++) await writeFile(join(root, `etc/apache2/many/${String(i).padStart(4, '0')}.conf`), '#\n');
    const j = await run(root);
    expect(j.config.details).toEqual([
      '/etc/apache2/fifo.conf (included from /etc/apache2/httpd.conf:5) is not a regular file (httpd refuses to start)',
      '/etc/apache2/zero.conf (included from /etc/apache2/httpd.conf:6) is not a regular file (httpd refuses to start)',
      '/etc/apache2/httpd.conf:7: IncludeOptional /etc/apache2/many names more than 2000 files or 500 directories: only the first were read',
    ]);
    expect(j.ms).toBeLessThan(20_000);
  });

  test('no configuration at all, and --root-fs that is not a directory', async () => {
    const empty = await machine({ '/etc/hostname': 'x\n' });
    const j = await run(empty);
    expect(j.config).toMatchObject({ status: 'fail', message: 'no httpd configuration found (looked for /etc/apache2/httpd.conf, /etc/apache2/apache2.conf, /etc/httpd/conf/httpd.conf)' });
    const given = await doctorJson(['--root-fs', empty, '--httpd-config', '/etc/nope.conf', '--limit', '1M']);
    expect(check(given, 'httpd-config')).toMatchObject({ status: 'fail', message: '/etc/nope.conf does not exist' });
    const bad = await runCachectl(['doctor', '--root-fs', join(empty, 'etc/hostname')]);
    expect(bad).toMatchObject({ code: 2, stdout: '', stderr: `cachectl: --root-fs ${join(empty, 'etc/hostname')} is not a directory\n` });
  });
});


