import { posix } from 'node:path';
import type { SysRoot } from '../system/sysRoot.js';
import { parseShellAssignments } from '../system/shellVars.js';
import { words } from './lexer.js';

/** Where httpd's main file is, first found first: Gentoo, Debian, Red Hat. */
export const MAIN_FILES = ['/etc/apache2/httpd.conf', '/etc/apache2/apache2.conf', '/etc/httpd/conf/httpd.conf'];
/** Gentoo's settings for the apache2 init script: APACHE2_OPTS, CONFIGFILE, SERVERROOT. */
export const GENTOO_CONFD = '/etc/conf.d/apache2';

export interface HttpdSetup {
  /** The main file, or null when none was found. */
  readonly mainFile: string | null;
  readonly searched: readonly string[];
  readonly serverRoot: string;
  /** `-D` names, and where they came from ('--define', '/etc/conf.d/apache2', or none). */
  readonly defines: readonly string[];
  readonly definesFrom: string | null;
  /** httpd's environment (Debian's envvars), for `${APACHE_RUN_USER}` and the like. */
  readonly env: Readonly<Record<string, string>>;
  readonly envFrom: string | null;
}

/** `-D NAME` and `-DNAME` in an httpd command line. */
export function definesOf(opts: string): string[] {
  const w = words(opts);
  const out: string[] = [];
  for (let i = 0; i < w.length; i++) {
    if (w[i] === '-D' && w[i + 1]) out.push(w[++i]);
    else if (w[i].startsWith('-D') && w[i].length > 2) out.push(w[i].slice(2));
  }
  return out;
}

/**
 * What httpd would be started with: the main file (given, Gentoo's CONFIGFILE, or the
 * first that exists), ServerRoot before the file sets one (Gentoo's SERVERROOT, else
 * the file's directory, which is Debian's compiled-in HTTPD_ROOT), the `-D` names
 * (given, or Gentoo's APACHE2_OPTS) and, next to a Debian apache2.conf, envvars.
 */
export async function locateHttpd(sys: SysRoot, o: { httpdConfig?: string; defines?: readonly string[] }): Promise<HttpdSetup> {
  const confd = await sys.readText(GENTOO_CONFD);
  const gentoo = confd.ok ? parseShellAssignments(confd.text, { expand: true }) : {};
  let mainFile: string | null = null;
  const searched: string[] = [];
  if (o.httpdConfig) mainFile = posix.resolve('/', o.httpdConfig);
  else if (gentoo.CONFIGFILE) mainFile = gentoo.CONFIGFILE;
  else {
    for (const f of MAIN_FILES) {
      searched.push(f);
      if (await sys.lstat(f)) { mainFile = f; break; }
    }
  }
  const dir = mainFile ? posix.dirname(mainFile) : '/etc/apache2';
  const serverRoot = gentoo.SERVERROOT || (mainFile === '/etc/httpd/conf/httpd.conf' ? '/etc/httpd' : dir);
  let defines: string[] = [];
  let definesFrom: string | null = null;
  if (o.defines && o.defines.length > 0) { defines = [...o.defines]; definesFrom = '--define'; }
  else if (gentoo.APACHE2_OPTS !== undefined) { defines = definesOf(gentoo.APACHE2_OPTS); definesFrom = `${GENTOO_CONFD} (APACHE2_OPTS)`; }
  const envvars = posix.join(dir, 'envvars');
  const ev = mainFile ? await sys.readText(envvars) : null;
  return {
    mainFile, searched, serverRoot, defines, definesFrom,
    env: ev?.ok ? parseShellAssignments(ev.text, { expand: true }) : {},
    envFrom: ev?.ok ? envvars : null,
  };
}
