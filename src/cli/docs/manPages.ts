import type { CommandInfo, OptionInfo } from './commandTree.js';
import { PROSE } from './prose.js';
import { esc, heading, paragraphs, tagged, term, title, verbatim } from './roff.js';

/** One man page: its file name (cachectl-prune.1) and roff text. */
export interface ManPage { readonly file: string; readonly text: string }

const pageName = (c: CommandInfo) => ['cachectl', ...c.path].join('-');

function options(list: readonly OptionInfo[]): string[] {
  return list.flatMap((o) => tagged(term(o.term), o.description));
}

function seeAlso(program: CommandInfo, c: CommandInfo, extra: readonly string[] = []): string[] {
  const names = [...(c.path.length ? ['cachectl(1)'] : pagesOf(program).map((p) => `${p}(1)`)), ...extra];
  // One per line, a comma after each but the last (.BR joins "name" and "(1),").
  return [heading('See also'), ...names.map((n, i) => {
    const m = /^(.*)\((\d)\)$/.exec(n);
    const comma = i < names.length - 1 ? ',' : '';
    return m ? `.BR ${esc(m[1])} (${m[2]})${comma}` : `${esc(n)}${comma}`;
  })];
}

/** The commands that get a page of their own: every one but commander's `help`. */
function pagesOf(program: CommandInfo): string[] {
  return program.commands.filter((c) => c.name !== 'help').map(pageName);
}

function synopsis(c: CommandInfo): string[] {
  // The command's words bold, the rest ([options], <dir>) as commander writes it.
  const words = c.usage.split(' ');
  const tail = words.slice(c.path.length + 1).join(' ');
  return [heading('Synopsis'), `.B ${esc(words.slice(0, c.path.length + 1).join(' '))}`, ...(tail ? [term(tail)] : [])];
}

function commandPage(program: CommandInfo, c: CommandInfo, version: string): ManPage {
  const prose = PROSE[c.path.join(' ')];
  const lines = [
    ...title(pageName(c), 1, `cachectl ${version}`, 'cachectl manual'),
    heading('Name'), `${esc(pageName(c))} \\- ${esc(c.description.split('\n')[0])}`,
    ...synopsis(c),
  ];
  if (c.grammar) {
    // htcacheclean's usage lines, as `cachectl htcacheclean`.
    for (const u of c.grammar.usage.split('\n').filter((l) => /^(Usage:| {7}htcacheclean )/.test(l))) {
      lines.push('.br', `.B cachectl htcacheclean`, term(u.replace(/^(Usage:)?\s*htcacheclean\s*/, '')));
    }
  }
  lines.push(heading('Description'), ...paragraphs(prose?.description ?? c.description));
  if (c.path.length === 0) {
    lines.push(heading('Commands'), ...c.commands.flatMap((s) => tagged(`\\fB${esc(s.name)}\\fR`, s.name === 'help' ? s.description : `${s.description} (see ${pageName(s)}(1))`)));
  }
  if (c.arguments.length && !c.grammar) lines.push(heading('Arguments'), ...c.arguments.flatMap((a) => tagged(`\\fI${esc(a.name)}\\fR`, a.description)));
  if (c.grammar) {
    lines.push(heading('Options'), ...options(c.grammar.options));
    const urls = c.grammar.usage.split('\n\n').at(-1) ?? '';
    lines.push(heading('URLs'), ...paragraphs(urls));
  } else if (c.options.length) {
    lines.push(heading('Options'), ...options(c.options));
  }
  // A command's own subcommands (compat install, ...); the program's commands have pages.
  const subs = c.path.length ? c.commands.filter((s) => s.name !== 'help') : [];
  if (subs.length) {
    lines.push(heading('Subcommands'));
    for (const s of subs) {
      lines.push(`.SS "${esc(s.usage)}"`, ...paragraphs(s.description), ...options(s.options));
      if (s.afterHelp) lines.push(...verbatim(s.afterHelp));
    }
  }
  if (c.afterHelp) lines.push(heading(c.path.length ? 'Notes' : 'Exit status'), ...verbatim(c.path.length ? c.afterHelp : c.afterHelp.replace(/^Exit status:\n/, '')));
  for (const [h, text] of prose?.sections ?? []) lines.push(heading(h), ...paragraphs(text));
  lines.push(...seeAlso(program, c, prose?.seeAlso));
  return { file: `${pageName(c)}.1`, text: lines.join('\n') + '\n' };
}

/** cachectl(1) and one page per command (the htcacheclean front end's included). */
export function manPages(program: CommandInfo, version: string): ManPage[] {
  return [program, ...program.commands.filter((c) => c.name !== 'help')].map((c) => commandPage(program, c, version));
}
