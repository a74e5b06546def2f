import { posix } from 'node:path';
import { parseSize } from '../../units.js';

/** A command that cleans a cache, read off a cron line, a script line or an ExecStart=. */
export interface CleanerCommand {
  /** `cachectl` (prune, schedule or its htcacheclean front end) or an `htcacheclean` binary. */
  readonly program: 'cachectl' | 'htcacheclean';
  /** The program as the line names it (a path, or a bare name found through PATH). */
  readonly invoked: string;
  /** The cache root it cleans, or null when the line does not say (a variable left unset). */
  readonly path: string | null;
  readonly limit: number | null;
  /** cachectl's --min-free, as written. */
  readonly minFree: string | null;
  readonly stateDir: string | null;
  /** Runs on its own schedule (cachectl schedule, htcacheclean -d). */
  readonly daemon: boolean;
  /** `runuser -u USER`, `sudo -u USER`, `su USER -c`: who it runs as, if the line switches. */
  readonly user: string | null;
}

/** cachectl options that take a value (so their value is not taken for the cache path). */
const CACHECTL_VALUE_OPTS = new Set([
  '-l', '--limit', '-L', '--max-entries', '--min-free', '--keep-newer-than', '--state-dir', '--prom-file', '--access-log',
  '--access-log-format', '--format', '--cron', '--every', '--tz', '--watch-free', '--watch-interval', '--order', '--temp-max-age',
  '--wait-lock', '--log-format', '--config', '--log', '--nice', '--repo', '--distfiles-match', '--retired-grace', '--protect',
]);
/** htcacheclean's getopt string: these letters take an argument. */
const HTC_ARG = new Set(['d', 'p', 'P', 'R', 'l', 'L']);

/**
 * Shell words of a command line (quotes, backslashes), split into simple commands at
 * `;`, `&&`, `||`, `|`, `&`. Not a shell: no expansion here, no redirections honoured;
 * enough to find who runs what with which arguments.
 */
export function shellCommands(line: string): string[][] {
  const cmds: string[][] = [[]];
  let word: string | null = null;
  const end = () => { if (word !== null) { cmds[cmds.length - 1].push(word); word = null; } };
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === "'") {
      const j = line.indexOf("'", i + 1);
      word = (word ?? '') + line.slice(i + 1, j < 0 ? line.length : j);
      i = j < 0 ? line.length : j;
    } else if (c === '"') {
      let j = i + 1;
      let part = '';
      while (j < line.length && line[j] !== '"') {
        if (line[j] === '\\' && j + 1 < line.length && '"\\$`'.includes(line[j + 1])) { part += line[j + 1]; j += 2; } else part += line[j++];
      }
      word = (word ?? '') + part;
      i = j;
    } else if (c === '\\' && i + 1 < line.length) {
      word = (word ?? '') + line[++i];
    } else if (/\s/.test(c)) {
      end();
    } else if (c === '#' && word === null) {
      break;
    } else if (';&|'.includes(c)) {
      end();
      if (line[i + 1] === c) i++;
      cmds.push([]);
    } else {
      word = (word ?? '') + c;
    }
  }
  end();
  return cmds.filter((c) => c.length > 0);
}

/**
 * `$NAME`, `${NAME}` and `${NAME:-default}` from env; an unset one is empty, as in a
 * shell or systemd (a path that comes out empty then reads as "not given").
 */
export function expandVars(s: string, env: Readonly<Record<string, string | undefined>>): string {
  return s.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (_w, a: string | undefined, dflt: string | undefined, b: string | undefined) => {
    const v = env[(a ?? b)!];
    return v === undefined || v === '' ? dflt ?? '' : v;
  });
}

const known = (s: string | undefined): string | null => (s === undefined || s === '' || s.includes('$') ? null : s);
const size = (s: string | undefined): number | null => {
  const v = known(s);
  if (v === null) return null;
  try { return parseSize(v); } catch { return null; }
};

/** Programs that run another command, and which of their options take a value. */
const WRAPPERS: Record<string, string[]> = {
  nice: ['-n', '--adjustment'], ionice: ['-c', '-n', '-p', '--class', '--classdata'], runuser: ['-u', '-g', '-G', '--user', '--group'],
  sudo: ['-u', '-g', '--user', '--group'], setpriv: [], chronic: [], nohup: [], exec: [], env: ['-u', '--unset'], command: [],
  timeout: ['-s', '-k', '--signal', '--kill-after'], flock: ['-w', '-E', '--timeout', '--conflict-exit-code'],
  node: ['-r', '--require', '--import'], nodejs: ['-r', '--require', '--import'],
};

const isProgram = (w: string, name: string) => posix.basename(w) === name || posix.basename(w) === `${name}.js`;

/**
 * The cleaner a command line runs, if any: Apache's `htcacheclean` (or cachectl's
 * drop-in of that name: the caller tells them apart by the binary), or `cachectl
 * prune|schedule|htcacheclean`. Variables are expanded from `env` (the line's own
 * `NAME=value` prefixes added); values still holding a `$` are unknown.
 */
export function cleanerOf(line: string, env: Readonly<Record<string, string>> = {}): CleanerCommand | null {
  for (const cmd of shellCommands(line)) {
    const own: Record<string, string> = { ...env };
    let user: string | null = null;
    let i = 0;
    for (; i < cmd.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(cmd[i]); i++) {
      const eq = cmd[i].indexOf('=');
      own[cmd[i].slice(0, eq)] = expandVars(cmd[i].slice(eq + 1), own);
    }
    const w = cmd.slice(i).map((x) => expandVars(x, own));
    // Past wrappers (nice, ionice, runuser -u USER --, sudo, timeout 1h, flock FILE, env, node)
    // to the program itself: only a program in that place runs, not a word that names it
    // (`type htcacheclean`, `test -x /usr/bin/htcacheclean`).
    let k = 0;
    for (;;) {
      const prog = posix.basename(w[k] ?? '');
      const wrapper = WRAPPERS[prog];
      if (prog === 'su') {
        const c = w.indexOf('-c', k);
        if (c < 0 || !w[c + 1]) break;
        const inner = cleanerOf(w[c + 1], own);
        const target = w.slice(k + 1, c).filter((x, j, a) => !x.startsWith('-') && !['-s', '--shell'].includes(a[j - 1] ?? '')).pop() ?? null;
        return inner ? { ...inner, user: inner.user ?? target } : null;
      }
      if (wrapper === undefined) break;
      k++;
      while (k < w.length) {
        const a = w[k];
        if (a === '--') { k++; break; }
        if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(a) && prog === 'env') { const eq = a.indexOf('='); own[a.slice(0, eq)] = a.slice(eq + 1); k++; continue; }
        if (!a.startsWith('-')) break;
        if ((a === '-u' || a === '--user') && (prog === 'runuser' || prog === 'sudo')) user = w[k + 1] ?? null;
        const userEq = /^--(?:user|reuid)=(.+)$/.exec(a);
        if (userEq) user = userEq[1];
        k += wrapper.includes(a) ? 2 : 1;
      }
      // timeout DURATION, flock FILE: one operand before the command.
      if ((prog === 'timeout' || prog === 'flock') && k < w.length) k++;
    }
    const prog = w[k] ?? '';
    if (isProgram(prog, 'htcacheclean')) return { ...htcacheclean(w.slice(k + 1)), invoked: prog, user };
    if (isProgram(prog, 'cachectl')) {
      const sub = w[k + 1];
      if (sub === 'htcacheclean') return { ...htcacheclean(w.slice(k + 2)), program: 'cachectl', invoked: prog, user };
      if (sub === 'prune' || sub === 'schedule') return { ...cachectl(w.slice(k + 2), own, sub === 'schedule'), invoked: prog, user };
    }
  }
  return null;
}

/** htcacheclean's own getopt: `-ntp DIR`, `-pDIR`, `-l 50G`, `-d120`. */
function htcacheclean(args: string[]): Omit<CleanerCommand, 'invoked' | 'user'> {
  const opt: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (!a.startsWith('-') || a === '-') continue;
    if (a === '--') break;
    for (let j = 1; j < a.length; j++) {
      if (HTC_ARG.has(a[j])) {
        opt[a[j]] = j + 1 < a.length ? a.slice(j + 1) : (args[++i] ?? '');
        break;
      }
      opt[a[j]] = '';
    }
  }
  return { program: 'htcacheclean', path: known(opt.p), limit: size(opt.l), minFree: null, stateDir: null, daemon: 'd' in opt };
}

function cachectl(args: string[], env: Readonly<Record<string, string>>, daemon: boolean): Omit<CleanerCommand, 'invoked' | 'user'> {
  const opt: Record<string, string> = {};
  let dir: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const eq = a.indexOf('=');
    if (a.startsWith('--') && eq > 0) { opt[a.slice(0, eq)] = a.slice(eq + 1); continue; }
    if (CACHECTL_VALUE_OPTS.has(a)) { opt[a] = args[++i] ?? ''; continue; }
    if (/^-l./.test(a)) { opt['-l'] = a.slice(2); continue; }
    if (a.startsWith('-')) continue;
    dir ??= a;
  }
  return {
    program: 'cachectl',
    path: known(dir ?? env.CACHECTL_PATH),
    limit: size(opt['--limit'] ?? opt['-l'] ?? env.CACHECTL_LIMIT),
    minFree: known(opt['--min-free'] ?? env.CACHECTL_MIN_FREE),
    stateDir: known(opt['--state-dir'] ?? env.CACHECTL_STATE_DIR),
    daemon,
  };
}
