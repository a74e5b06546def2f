import { describe, expect, test } from 'vitest';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { tempDir } from '../helpers/tmp.js';
import { SysRoot } from '../../src/core/doctor/system/sysRoot.js';
import { logicalLines, words } from '../../src/core/doctor/httpd/lexer.js';
import { parseHttpdConfig, type HttpdConfig } from '../../src/core/doctor/httpd/parse.js';
import { cacheLayout, effective } from '../../src/core/doctor/httpd/servers.js';
import { fnmatch } from '../../src/core/doctor/httpd/include.js';
import { definesOf } from '../../src/core/doctor/httpd/locate.js';

/** Writes files (paths on the fixture machine) below a fresh root; returns the root. */
async function machine(files: Record<string, string>): Promise<string> {
  const root = await tempDir('cachectl-httpd-');
  for (const [p, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, p)), { recursive: true });
    await writeFile(join(root, p), text);
  }
  return root;
}

async function parse(files: Record<string, string>, o: { defines?: string[]; env?: Record<string, string>; main?: string } = {}): Promise<HttpdConfig> {
  const root = await machine(files);
  const main = o.main ?? '/etc/httpd/httpd.conf';
  return parseHttpdConfig(new SysRoot(root), { mainFile: main, serverRoot: dirname(main), defines: o.defines ?? [], env: o.env });
}

const values = (cfg: HttpdConfig, name: string) => cfg.directives.filter((d) => d.name === name).map((d) => d.args.join(' '));

describe('httpd config syntax (util.c)', () => {
  test('a backslash right before the newline joins lines (CRLF too); anything after it does not', () => {
    const text = 'CacheRoot \\\n  /a\r\nCacheRoot /b \\ \nCacheMaxFileSize 1\\\r\n0\n';
    expect([...logicalLines(text)]).toEqual([
      { text: 'CacheRoot   /a', line: 1 },
      { text: 'CacheRoot /b \\', line: 3 },
      { text: 'CacheMaxFileSize 10', line: 4 },
    ]);
  });

  test('a comment is a line starting with #, continued like any other; a # later in a line is not one', () => {
    const text = '  # off \\\nCacheRoot /hidden\nCacheRoot /shown # not a comment\n#\n\n';
    expect([...logicalLines(text)].map((l) => l.text)).toEqual(['CacheRoot /shown # not a comment']);
  });

  test('words: double and single quotes, escaped quotes inside, backslashes outside', () => {
    expect(words(`LogFormat "%h \\"%r\\" %>s" 'my fmt' plain\\\\word`)).toEqual(['LogFormat', '%h "%r" %>s', 'my fmt', 'plain\\word']);
    expect(words('  CacheRoot   "/with space"  ')).toEqual(['CacheRoot', '/with space']);
    expect(words('Unterminated "quote to the end')).toEqual(['Unterminated', 'quote to the end']);
  });

  test('directive and section names are case-insensitive', async () => {
    const cfg = await parse({ '/etc/httpd/httpd.conf': 'cacheroot /a\nCACHEENABLE disk /\n<ifdefine X>\nCacheRoot /b\n</IFDEFINE>\n' });
    expect(values(cfg, 'cacheroot')).toEqual(['/a']);
    expect(values(cfg, 'cacheenable')).toEqual(['disk /']);
    expect(cfg.problems).toEqual([]);
  });
});

describe('conditions, evaluated where they stand', () => {
  test('<IfDefine> both ways, nested, with -D names, Define and UnDefine in order', async () => {
    const cfg = await parse({
      '/etc/httpd/httpd.conf': [
        '<IfDefine CACHE>', 'CacheRoot /on', '<IfDefine !PROXY>', 'CacheRoot /on-no-proxy', '</IfDefine>', '</IfDefine>',
        '<IfDefine !CACHE>', 'CacheRoot /off', '</IfDefine>',
        '<IfDefine LATE>', 'CacheRoot /before-define', '</IfDefine>',
        'Define LATE', '<IfDefine LATE>', 'CacheRoot /after-define', '</IfDefine>',
        'UnDefine CACHE', '<IfDefine CACHE>', 'CacheRoot /after-undefine', '</IfDefine>',
      ].join('\n'),
    }, { defines: ['CACHE'] });
    expect(values(cfg, 'cacheroot')).toEqual(['/on', '/on-no-proxy', '/after-define']);
    // Directives that matter are remembered with the section that kept them out.
    expect(cfg.skipped.filter((s) => s.name === 'cacheroot').map((s) => `${s.args[0]} ${s.condition}`))
      .toEqual(['/off <IfDefine !CACHE>', '/before-define <IfDefine LATE>', '/after-undefine <IfDefine CACHE>']);
  });

  test('<IfModule> by identifier or source file, only once LoadModule has been read; static modules are always there', async () => {
    const cfg = await parse({
      '/etc/httpd/httpd.conf': [
        '<IfModule mod_cache_disk.c>', 'CacheRoot /too-early', '</IfModule>',
        'LoadModule cache_disk_module modules/mod_cache_disk.so',
        '<IfModule mod_cache_disk.c>', 'CacheRoot /by-file', '</IfModule>',
        '<IfModule cache_disk_module>', 'CacheRoot /by-id', '</IfModule>',
        '<IfModule !cache_module>', 'CacheRoot /no-mod-cache', '</IfModule>',
        '<IfModule log_config_module>', 'CacheRoot /static', '</IfModule>',
      ].join('\n'),
    });
    expect(values(cfg, 'cacheroot')).toEqual(['/by-file', '/by-id', '/no-mod-cache', '/static']);
  });

  test('<IfFile> is relative to ServerRoot; <IfVersion> is judged against 2.4; <Macro> bodies are not read', async () => {
    const cfg = await parse({
      '/etc/httpd/httpd.conf': [
        '<IfFile conf/present>', 'CacheRoot /file', '</IfFile>', '<IfFile !/nowhere>', 'CacheRoot /no-file', '</IfFile>',
        '<IfVersion >= 2.4>', 'CacheRoot /v24', '</IfVersion>', '<IfVersion < 2.4>', 'CacheRoot /v22', '</IfVersion>',
        '<IfVersion = 2.4>', 'CacheRoot /v24x', '</IfVersion>', '<IfVersion ~ ^2\\.2>', 'CacheRoot /re22', '</IfVersion>',
        '<Macro Cache $dir>', 'CacheRoot $dir', '</Macro>',
      ].join('\n'),
      '/etc/httpd/conf/present': '',
    });
    expect(values(cfg, 'cacheroot')).toEqual(['/file', '/no-file', '/v24', '/v24x']);
  });
});

describe('variables', () => {
  test('${VAR} from Define, then httpd\'s environment (envvars); an unknown one stays as written and is reported', async () => {
    const cfg = await parse({ '/etc/httpd/httpd.conf': 'Define BASE /srv/cache\nDefine "QUOTED" "/q r"\nCacheRoot ${BASE}/a\nCacheRoot "${QUOTED}"\nUser ${APACHE_RUN_USER}\nCacheRoot ${NOPE}/x\n' },
      { env: { APACHE_RUN_USER: 'www-data', BASE: '/from-env' } });
    expect(values(cfg, 'cacheroot')).toEqual(['/srv/cache/a', '/q r', '${NOPE}/x']);
    expect(values(cfg, 'user')).toEqual(['www-data']);
    expect(cfg.undefinedVars).toEqual(['NOPE']);
  });

  test('-D names from an httpd command line (APACHE2_OPTS)', () => {
    expect(definesOf('-D DEFAULT_VHOST -DINFO -d /x -f /y -D CACHE -D')).toEqual(['DEFAULT_VHOST', 'INFO', 'CACHE']);
  });
});

describe('Include and IncludeOptional', () => {
  test('relative to ServerRoot as set so far; globs in any component, matches in byte order; directories recursively', async () => {
    const cfg = await parse({
      '/etc/httpd/httpd.conf': 'Include first.conf\nServerRoot /srv/h\nInclude conf.d/*.conf\nInclude sites/*/on.conf\nInclude dir\n',
      '/etc/httpd/first.conf': 'CacheRoot /1\n',
      '/srv/h/conf.d/b.conf': 'CacheRoot /3\n',
      '/srv/h/conf.d/B.conf': 'CacheRoot /2\n',
      '/srv/h/conf.d/.hidden.conf': 'CacheRoot /never\n',
      '/srv/h/conf.d/c.conf.disabled': 'CacheRoot /never\n',
      '/srv/h/sites/x/on.conf': 'CacheRoot /4\n',
      '/srv/h/sites/y/off.conf': 'CacheRoot /never\n',
      '/srv/h/dir/z/deep': 'CacheRoot /6\n',
      '/srv/h/dir/a': 'CacheRoot /5\n',
    });
    expect(values(cfg, 'cacheroot')).toEqual(['/1', '/2', '/3', '/4', '/5', '/6']);
    expect(cfg.problems).toEqual([]);
  });

  test('a missing path or an empty wildcard stops httpd for Include, not for IncludeOptional', async () => {
    const cfg = await parse({ '/etc/httpd/httpd.conf': 'IncludeOptional /no/such.conf\nIncludeOptional /no/*.conf\nInclude /no/such.conf\nInclude /etc/httpd/none-*.conf\n' });
    expect(cfg.problems.map((p) => p.severity)).toEqual(['fail', 'fail']);
    expect(cfg.problems[0].message).toBe('/etc/httpd/httpd.conf:3: Include /no/such.conf: no such file or directory');
    expect(cfg.problems[1].message).toContain('the wildcard matches nothing');
  });

  test('fnmatch as httpd calls it: no leading dot for * or ?, classes and negated classes', () => {
    expect(fnmatch('*.conf', 'a.conf')).toBe(true);
    expect(fnmatch('*.conf', '.a.conf')).toBe(false);
    expect(fnmatch('.*.conf', '.a.conf')).toBe(true);
    expect(fnmatch('[0-9]?_*.conf', '00_mod.conf')).toBe(true);
    expect(fnmatch('[!0-9]*', '0x')).toBe(false);
    expect(fnmatch('a+b(c).conf', 'a+b(c).conf')).toBe(true);
  });
});

describe('virtual hosts', () => {
  test('each <VirtualHost> is a server; it inherits what the main server sets, wherever that line stands', async () => {
    const cfg = await parse({
      '/etc/httpd/httpd.conf': [
        'CacheEnable disk /', 'CacheMaxFileSize 5',
        '<VirtualHost *:80>', 'ServerName a', 'CacheRoot /a', '<Location /x>', 'CacheMaxFileSize 7', '</Location>', '</VirtualHost>',
        '<VirtualHost *:81>', 'ServerName b', '</VirtualHost>',
        'CacheRoot /main',
      ].join('\n'),
    });
    expect(cfg.vhosts.map((v) => v.addresses)).toEqual(['*:80', '*:81']);
    expect(effective(cfg, 1, 'cachemaxfilesize')?.args[0]).toBe('7');
    expect(effective(cfg, 1, 'cachemaxfilesize')?.sections).toEqual(['<Location /x>']);
    expect(effective(cfg, 2, 'cachemaxfilesize')?.args[0]).toBe('5');
    // The main server's CacheEnable reaches every vhost; vhost b writes to the main CacheRoot.
    expect(cacheLayout(cfg).caches.map((c) => [c.root, c.servers])).toEqual([['/main', [0, 2]], ['/a', [1]]]);
  });

  test('broken sections: never closed, closed twice, mismatched, nested vhosts, no closing >', async () => {
    const cfg = await parse({ '/etc/httpd/httpd.conf': '<VirtualHost *:80>\n<VirtualHost *:81>\n</VirtualHost>\n</VirtualHost>\n</VirtualHost>\n<Location /x\n</Directory>\n<IfDefine NOPE>\n<Files x>\n</Location>\n' });
    const msgs = cfg.problems.map((p) => p.message);
    expect(msgs).toEqual([
      expect.stringContaining(':2: <VirtualHost> inside another <VirtualHost>'),
      expect.stringContaining(':5: </virtualhost> without a matching <virtualhost>'),
      expect.stringContaining(":6: <location ...> has no closing '>'"),
      expect.stringContaining(':7: </directory> without a matching <directory>'),
      expect.stringContaining(':10: expected </files> but saw </location>'),
      expect.stringContaining(':6: <location> is never closed in this file'),
    ]);
    expect(cfg.problems.every((p) => p.severity === 'fail')).toBe(true);
  });
});
