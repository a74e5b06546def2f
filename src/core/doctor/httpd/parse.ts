import { posix } from 'node:path';
import { logicalLines, resolveVars, sectionOf, sectionText, words, type LogicalLine } from './lexer.js';
import { evaluateCondition, STATIC_MODULES } from './conditions.js';
import { expandInclude } from './include.js';
import { readProblem, type SysRoot } from '../system/sysRoot.js';

/** One directive httpd would act on (its section is on), where it stands. */
export interface Directive {
  /** Lowercased: httpd's directive names are case-insensitive. */
  readonly name: string;
  readonly args: readonly string[];
  readonly file: string;
  readonly line: number;
  /** 0 = the main server, n = the n-th `<VirtualHost>`. */
  readonly server: number;
  /** Enclosing containers that are not conditions, e.g. `<Location /gentoo-distfiles/>`. */
  readonly sections: readonly string[];
}

export interface VirtualHost {
  readonly index: number;
  readonly addresses: string;
  readonly file: string;
  readonly line: number;
}

/** Something wrong with the configuration itself; `fail` when httpd would not start. */
export interface ConfigProblem {
  readonly severity: 'warn' | 'fail';
  readonly message: string;
}

/** A directive that matters here but sits in a section that is off, and which section. */
export interface SkippedDirective {
  readonly name: string;
  readonly args: readonly string[];
  readonly file: string;
  readonly line: number;
  /** The condition that is false, as written, e.g. `<IfDefine CACHE>`. */
  readonly condition: string;
  readonly conditionAt: string;
}

export interface HttpdConfig {
  readonly mainFile: string;
  readonly serverRoot: string;
  readonly directives: Directive[];
  readonly vhosts: VirtualHost[];
  readonly modules: ReadonlySet<string>;
  readonly defines: ReadonlyMap<string, string>;
  /** Every file read, in order. */
  readonly files: string[];
  readonly problems: ConfigProblem[];
  readonly skipped: SkippedDirective[];
  /** `${NAME}`s that neither a Define nor httpd's environment sets. */
  readonly undefinedVars: string[];
}

export interface ParseOptions {
  /** The main configuration file (a path on the checked machine). */
  readonly mainFile: string;
  /** ServerRoot until the file sets one: httpd's compiled-in HTTPD_ROOT or `-d`. */
  readonly serverRoot: string;
  /** `-D NAME` from the command line (APACHE2_OPTS on Gentoo). */
  readonly defines: readonly string[];
  /** httpd's environment for `${VAR}` (Debian's envvars). */
  readonly env?: Readonly<Record<string, string>>;
}

/** httpd's own include depth limit (AP_MAX_INCLUDE_DEPTH). */
const MAX_DEPTH = 128;
/** Bounds on a whole run: a hostile tree must not keep doctor reading for minutes. */
const MAX_FILES = 5000;
const MAX_TOTAL_BYTES = 32 << 20;
/** Directives worth naming when they sit in a section that is off. */
const INTEREST = new Set(['cacheroot', 'cacheenable', 'loadmodule', 'include', 'includeoptional', 'cachemaxfilesize', 'customlog']);

interface Context { readonly server: number; readonly sections: readonly string[] }
interface Open { readonly name: string; readonly line: number; readonly saved: Context }

/**
 * Reads httpd's configuration the way httpd does, as far as cache settings go: in
 * order, following Include/IncludeOptional (globs, directories), judging `<IfDefine>`,
 * `<IfModule>` (by the LoadModule lines read so far), `<IfFile>` and `<IfVersion>` where
 * they stand, applying Define/UnDefine and `${VAR}`, and tagging each directive with its
 * `<VirtualHost>`. Never runs httpd. A file it cannot read, a loop, a huge or binary file
 * become problems, never exceptions.
 */
export async function parseHttpdConfig(sys: SysRoot, o: ParseOptions): Promise<HttpdConfig> {
  const defines = new Map<string, string>(o.defines.map((d) => [d, '']));
  const modules = new Set<string>(STATIC_MODULES);
  const cfg = {
    mainFile: o.mainFile, serverRoot: o.serverRoot, directives: [] as Directive[], vhosts: [] as VirtualHost[],
    modules, defines, files: [] as string[], problems: [] as ConfigProblem[], skipped: [] as SkippedDirective[], undefinedVars: [] as string[],
  };
  const missing = new Set<string>();
  const lookup = (name: string) => defines.get(name) ?? o.env?.[name];
  const stack: string[] = [];
  const budget = { files: MAX_FILES, bytes: MAX_TOTAL_BYTES, cut: false };
  const problem = (severity: ConfigProblem['severity'], message: string) => cfg.problems.push({ severity, message });

  async function readFile(path: string, ctx: Context, depth: number, from: string | null): Promise<void> {
    if (depth > MAX_DEPTH) {
      problem('fail', `${from}: includes nest deeper than ${MAX_DEPTH} levels (httpd refuses to start)`);
      return;
    }
    const id = await sys.identity(path);
    if (stack.includes(id)) {
      problem('fail', `include loop: ${from} includes ${path} again, which is still being read (httpd refuses to start: "Exceeded the maximum include directory nesting level")`);
      return;
    }
    if (budget.files-- <= 0) {
      if (!budget.cut) problem('warn', `more than ${MAX_FILES} configuration files: the rest, from ${path} on, were not read`);
      budget.cut = true;
      return;
    }
    const r = await sys.readText(path);
    if (!r.ok) {
      const where = from ? `${path} (included from ${from})` : path;
      // An unreadable file is a gap in what doctor knows (root's httpd reads it); the others stop httpd.
      const severity = r.code === 'EACCES' || r.code === 'EPERM' || r.code === 'TOOBIG' ? 'warn' : 'fail';
      const tail = r.code === 'EACCES' || r.code === 'EPERM' ? ': its settings are not checked (run doctor as root)'
        : r.code === 'TOOBIG' ? ': its settings are not checked'
        : from ? ' (httpd refuses to start)' : '';
      problem(severity, `${where} ${readProblem(r.code, r.size)}${tail}`);
      return;
    }
    if ((budget.bytes -= r.bytes) < 0) {
      if (!budget.cut) problem('warn', `more than ${MAX_TOTAL_BYTES} bytes of configuration: the rest, from ${path} on, was not read`);
      budget.cut = true;
      return;
    }
    cfg.files.push(path);
    stack.push(id);
    try {
      await readLines(path, r.text, ctx, depth);
    } finally {
      stack.pop();
    }
  }

  async function readLines(file: string, text: string, start: Context, depth: number): Promise<void> {
    const lines = logicalLines(text);
    const open: Open[] = [];
    let ctx = start;
    for (let it = lines.next(); !it.done; it = lines.next()) {
      const { line } = it.value;
      const text = resolveVars(it.value.text, lookup, missing);
      const at = `${file}:${line}`;
      const sec = sectionOf(text);
      if (sec?.kind === 'close') {
        const top = open.pop();
        if (!top || top.name !== sec.name) {
          problem('fail', `${at}: </${sec.name}> without a matching <${sec.name}> (httpd refuses to start)`);
          if (top) open.push(top);
          continue;
        }
        ctx = top.saved;
        continue;
      }
      if (sec?.kind === 'open') {
        if (!sec.closed) problem('fail', `${at}: <${sec.name} ...> has no closing '>' (httpd refuses to start)`);
        const cond = await evaluateCondition(sec.name, sec.args, { defines, modules, serverRoot: cfg.serverRoot, sys });
        if (cond === false || sec.name === 'macro') {
          // Off (or a mod_macro body, only read when used): skipped unread, as ap_soak_end_container does.
          const end = soak(lines, file, sec.name, sectionText(sec.written, sec.args), at);
          if (end) problem('fail', end);
          continue;
        }
        open.push({ name: sec.name, line, saved: ctx });
        if (cond === true) continue;
        if (sec.name === 'virtualhost') {
          if (ctx.server !== 0) problem('fail', `${at}: <VirtualHost> inside another <VirtualHost> (httpd refuses to start)`);
          const index = cfg.vhosts.length + 1;
          cfg.vhosts.push({ index, addresses: sec.args, file, line });
          ctx = { server: index, sections: [] };
        } else {
          ctx = { server: ctx.server, sections: [...ctx.sections, sectionText(sec.written, sec.args)] };
        }
        continue;
      }
      const w = words(text);
      if (w.length === 0) continue;
      const name = w[0].toLowerCase();
      const args = w.slice(1);
      cfg.directives.push({ name, args, file, line, server: ctx.server, sections: ctx.sections });
      switch (name) {
        case 'include':
        case 'includeoptional': {
          if (!args[0]) { problem('fail', `${at}: ${w[0]} without a path`); break; }
          const ex = await expandInclude(sys, args[0], cfg.serverRoot, name === 'includeoptional');
          if (ex.problem) problem(ex.problem.fatal ? 'fail' : 'warn', `${at}: ${ex.problem.message}`);
          for (const d of ex.unlisted) problem('warn', `${at}: ${d} cannot be listed (permission denied): the files it includes are not checked (run doctor as root)`);
          for (const f of ex.files) await readFile(f, ctx, depth + 1, at);
          break;
        }
        case 'define':
          if (args[0]) defines.set(args[0], args[1] ?? '');
          break;
        case 'undefine':
          if (args[0]) defines.delete(args[0]);
          break;
        case 'serverroot':
          if (args[0]) cfg.serverRoot = posix.resolve('/', args[0]);
          break;
        case 'loadmodule':
          if (args[0]) modules.add(args[0]);
          // <IfModule mod_cache_disk.c> names the module's source file.
          if (args[1]) modules.add(posix.basename(args[1]).replace(/\.so$/, '.c'));
          break;
      }
    }
    for (const o of open.reverse()) problem('fail', `${file}:${o.line}: <${o.name}> is never closed in this file (httpd refuses to start)`);
  }

  /**
   * Skips a section that is off up to its end, following nested sections by name;
   * notes the directives of interest it passes. Returns a problem, or null.
   */
  function soak(lines: Generator<LogicalLine>, file: string, name: string, condition: string, conditionAt: string): string | null {
    const nest = [name];
    for (let it = lines.next(); !it.done; it = lines.next()) {
      const { text, line } = it.value;
      const sec = sectionOf(text);
      if (sec?.kind === 'close') {
        const top = nest.pop();
        if (top !== sec.name) return `${file}:${line}: expected </${top}> but saw </${sec.name}> (httpd refuses to start)`;
        if (nest.length === 0) return null;
      } else if (sec?.kind === 'open') {
        nest.push(sec.name);
      } else {
        const w = words(text);
        const n = (w[0] ?? '').toLowerCase();
        if (INTEREST.has(n)) cfg.skipped.push({ name: n, args: w.slice(1, 3), file, line, condition, conditionAt });
      }
    }
    return `${conditionAt}: <${name}> is never closed in this file (httpd refuses to start)`;
  }

  await readFile(o.mainFile, { server: 0, sections: [] }, 0, null);
  cfg.undefinedVars.push(...missing);
  return cfg;
}
