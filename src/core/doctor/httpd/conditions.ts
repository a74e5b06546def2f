import { posix } from 'node:path';
import { words } from './lexer.js';
import type { SysRoot } from '../system/sysRoot.js';

/**
 * Modules compiled into httpd rather than loaded (`apache2 -l` on Debian; Gentoo builds
 * the same core in): `<IfModule>` finds them without a LoadModule line.
 */
export const STATIC_MODULES = [
  'core.c', 'core_module', 'http_core.c', 'http_module', 'mod_so.c', 'so_module',
  'mod_watchdog.c', 'watchdog_module', 'mod_log_config.c', 'log_config_module',
  'mod_logio.c', 'logio_module', 'mod_version.c', 'version_module', 'mod_unixd.c', 'unixd_module',
];

/** `<IfVersion>` is judged against this: doctor never runs httpd to ask. */
export const ASSUMED_VERSION = '2.4.66';

/** What a condition is judged against, at the point of the file where it stands. */
export interface ConditionState {
  readonly defines: ReadonlyMap<string, string>;
  readonly modules: ReadonlySet<string>;
  readonly serverRoot: string;
  readonly sys: SysRoot;
}

const negated = (arg: string): [boolean, string] => (arg.startsWith('!') ? [true, arg.slice(1)] : [false, arg]);

/** The value of `<IfDefine>`, `<IfModule>`, `<IfFile>`, `<IfVersion>`, ... or null if `name` is no condition. */
export async function evaluateCondition(name: string, args: string, s: ConditionState): Promise<boolean | null> {
  const first = words(args)[0] ?? '';
  switch (name) {
    case 'ifdefine': {
      const [neg, n] = negated(first);
      return s.defines.has(n) !== neg;
    }
    case 'ifmodule': {
      const [neg, n] = negated(first);
      return s.modules.has(n) !== neg;
    }
    case 'iffile': {
      const [neg, p] = negated(first);
      return ((await s.sys.stat(posix.resolve(s.serverRoot, p))) !== null) !== neg;
    }
    case 'ifversion':
      return ifVersion(args);
    // Which directives and sections exist depends on the modules; every one that matters here does.
    case 'ifdirective':
    case 'ifsection':
      return !first.startsWith('!');
    default:
      return null;
  }
}

function cmp(a: string, b: string): number {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d) return Math.sign(d);
  }
  return 0;
}

/** mod_version: `[[!]op] version` with op one of = == > >= < <= ~, or a /regex/. */
function ifVersion(args: string): boolean {
  const w = words(args);
  let op = w.length > 1 ? w[0] : '=';
  let v = w.length > 1 ? w[1] : w[0] ?? '';
  const neg = op.startsWith('!');
  if (neg) op = op.slice(1) || '=';
  let result: boolean;
  if (op === '~' || (v.startsWith('/') && v.endsWith('/') && v.length > 1)) {
    if (v.startsWith('/')) v = v.slice(1, -1);
    try { result = new RegExp(v).test(ASSUMED_VERSION); } catch { result = false; }
  } else {
    // `= 2.4` matches any 2.4.x; an ordering compares missing parts as 0.
    const c = cmp(ASSUMED_VERSION, v);
    const same = cmp(ASSUMED_VERSION.split('.').slice(0, v.split('.').length).join('.'), v) === 0;
    result = op === '>' ? c > 0 : op === '>=' ? c >= 0 : op === '<' ? c < 0 : op === '<=' ? c <= 0 : same;
  }
  return result !== neg;
}
