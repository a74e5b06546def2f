import { posix } from 'node:path';
import type { SysRoot } from './sysRoot.js';
import { cleanerOf, expandVars } from './command.js';
import { cleanerFrom } from './cleaner.js';
import { parseShellAssignments } from './shellVars.js';
import { words } from '../httpd/lexer.js';
import type { Found } from './cron.js';

/** Where unit files live, highest precedence first. */
export const UNIT_DIRS = ['/etc/systemd/system', '/run/systemd/system', '/usr/local/lib/systemd/system', '/usr/lib/systemd/system', '/lib/systemd/system'];
const SERVICE_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** The settings of one unit that matter here, after its drop-ins. */
export interface Unit {
  readonly name: string;
  readonly file: string;
  /** Lowercase `section.key` -> values in order (an empty value resets, as systemd does). */
  readonly values: ReadonlyMap<string, string[]>;
}

const last = (u: Unit, key: string) => u.values.get(key)?.at(-1);

/** `foo@bar.service` -> `foo@.service`. */
const templateOf = (name: string) => name.replace(/@[^.]*\./, '@.');

/**
 * Reads a unit as systemd would find it: the first file of that name in UNIT_DIRS
 * (the template for an instance), then `*.conf` drop-ins in name order. Not through
 * the `.wants/` symlink: in a fixture tree its absolute target points at the real
 * system. Null when there is no such unit or it is masked (linked to /dev/null).
 */
export async function loadUnit(sys: SysRoot, name: string): Promise<Unit | null> {
  let file: string | null = null;
  for (const dir of UNIT_DIRS) {
    for (const n of [name, templateOf(name)]) {
      const p = posix.join(dir, n);
      const l = await sys.lstat(p);
      if (!l) continue;
      if (l.isSymbolicLink() && (await sys.readlink(p)) === '/dev/null') return null;
      file = p;
      break;
    }
    if (file) break;
  }
  if (!file) return null;
  const r = await sys.readText(file);
  if (!r.ok) return null;
  const instance = /@([^.]*)\./.exec(name)?.[1] ?? '';
  const values = new Map<string, string[]>();
  const apply = (text: string) => readIni(text.replace(/%[iI]/g, instance).replace(/%%/g, '%'), values);
  apply(r.text);
  const dropIns: { n: string; p: string }[] = [];
  for (const dir of UNIT_DIRS) {
    for (const d of new Set([`${name}.d`, `${templateOf(name)}.d`])) {
      const names = await sys.list(posix.join(dir, d));
      if (typeof names !== 'string') for (const n of names) if (n.endsWith('.conf') && !dropIns.some((x) => x.n === n)) dropIns.push({ n, p: posix.join(dir, d, n) });
    }
  }
  dropIns.sort((a, b) => (a.n < b.n ? -1 : 1));
  for (const d of dropIns) {
    const t = await sys.readText(d.p);
    if (t.ok) apply(t.text);
  }
  return { name, file, values };
}

function readIni(text: string, values: Map<string, string[]>): void {
  let section = '';
  const lines = text.replace(/\\\n/g, ' ').split('\n');
  for (const raw of lines) {
    const l = raw.trim();
    if (!l || l.startsWith('#') || l.startsWith(';')) continue;
    const s = /^\[(.+)\]$/.exec(l);
    if (s) { section = s[1].toLowerCase(); continue; }
    const eq = l.indexOf('=');
    if (eq < 0) continue;
    const key = `${section}.${l.slice(0, eq).trim().toLowerCase()}`;
    const v = l.slice(eq + 1).trim();
    if (v === '') values.set(key, []);
    else values.set(key, [...(values.get(key) ?? []), v]);
  }
}

/** The service's environment: Environment= lines, then EnvironmentFile= files (which win). */
async function environmentOf(sys: SysRoot, u: Unit): Promise<Record<string, string>> {
  const env: Record<string, string> = {};
  for (const line of u.values.get('service.environment') ?? []) {
    for (const w of words(line)) {
      const eq = w.indexOf('=');
      if (eq > 0) env[w.slice(0, eq)] = w.slice(eq + 1);
    }
  }
  for (const spec of u.values.get('service.environmentfile') ?? []) {
    const r = await sys.readText(spec.replace(/^-/, ''));
    if (r.ok) Object.assign(env, parseShellAssignments(r.text));
  }
  return env;
}

/**
 * Enabled timers and resident services that clean a cache: every `*.timer` and
 * `*.service` linked from a `.wants/` directory of /etc/systemd/system, whose service
 * runs cachectl or htcacheclean. A plain service (not a timer's) counts only when it
 * runs on its own schedule (cachectl schedule, htcacheclean -d).
 */
export async function systemdCleaners(sys: SysRoot): Promise<Found> {
  const out: Found = { cleaners: [], notes: [] };
  const top = await sys.list('/etc/systemd/system');
  const wanted = new Set<string>();
  for (const d of typeof top === 'string' ? [] : top) {
    if (!d.endsWith('.wants')) continue;
    const names = await sys.list(`/etc/systemd/system/${d}`);
    for (const n of typeof names === 'string' ? [] : names) if (n.endsWith('.timer') || n.endsWith('.service')) wanted.add(n);
  }
  for (const name of [...wanted].sort()) {
    const unit = await loadUnit(sys, name);
    if (!unit) continue;
    const timer = name.endsWith('.timer');
    const service = timer ? await loadUnit(sys, last(unit, 'timer.unit') ?? name.replace(/\.timer$/, '.service')) : unit;
    if (!service) continue;
    const env = await environmentOf(sys, service);
    const exec = (last(service, 'service.execstart') ?? '').replace(/^[-@:+!]+/, '');
    const cmd = cleanerOf(expandVars(exec, env), env);
    if (!cmd || (!timer && !cmd.daemon)) continue;
    const stateDirectory = last(service, 'service.statedirectory');
    const managed = stateDirectory !== undefined && cmd.stateDir === posix.join('/var/lib', stateDirectory.split(/\s+/)[0]);
    const via = timer ? `${name} (systemd, runs ${service.name})` : `${name} (systemd)`;
    out.cleaners.push(await cleanerFrom(sys, cmd, {
      via, file: service.file, user: last(service, 'service.user') ?? null, pathVar: env.PATH ?? SERVICE_PATH, stateDirManaged: managed,
    }));
  }
  return out;
}
