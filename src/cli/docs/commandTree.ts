import type { Argument, Command, Option } from 'commander';
import { HTC_SPEC } from '../compat/parse.js';
import { usageText } from '../compat/usage.js';

/**
 * The commander tree as plain data, for what is generated from it: the man pages and the
 * shell completions. Everything comes from commander's own Help (the same options, terms
 * and descriptions `--help` prints), so they cannot drift from `--help`.
 */

/** What a value is, for completion: a directory, a file, one of some words, or free text. */
export type ValueKind = 'dir' | 'file' | 'choice' | 'command' | 'text';

export interface OptionInfo {
  /** As --help shows it: "-l, --limit <size>". */
  readonly term: string;
  /** "-l", "--limit": every spelling. */
  readonly names: readonly string[];
  /** With commander's "(choices: ..., default: ..., env: ...)". */
  readonly description: string;
  /** The placeholder ("size"), when the option takes a value. */
  readonly value?: string;
  readonly kind?: ValueKind;
  readonly choices?: readonly string[];
}

export interface ArgumentInfo {
  readonly name: string;
  readonly description: string;
  readonly required: boolean;
  readonly variadic: boolean;
  readonly kind: ValueKind;
  readonly choices?: readonly string[];
}

export interface CommandInfo {
  /** [] for the program, ['compat', 'install'] for a nested one. */
  readonly path: readonly string[];
  readonly name: string;
  /** The one-line description (--help's, and the man page's NAME line). */
  readonly description: string;
  /** "cachectl prune [options] [dir]". */
  readonly usage: string;
  readonly options: readonly OptionInfo[];
  readonly arguments: readonly ArgumentInfo[];
  readonly commands: readonly CommandInfo[];
  /** Text added after the help (examples, exit status), as --help prints it. */
  readonly afterHelp: string;
  /** htcacheclean's own grammar (the front end): its options, from its usage text. */
  readonly grammar?: { readonly usage: string; readonly options: readonly OptionInfo[] };
}

/** A placeholder's name says what it holds: <dir> a directory, <file> or <path> a file. */
function kindOf(name: string, choices?: readonly string[]): ValueKind {
  if (choices?.length) return 'choice';
  if (/dir/i.test(name)) return 'dir';
  if (/file|path|log/i.test(name)) return 'file';
  return 'text';
}

function optionInfo(help: ReturnType<Command['createHelp']>, o: Option): OptionInfo {
  const m = /[<[]([^>\]]+?)(\.\.\.)?[>\]]/.exec(o.flags);
  const choices = o.argChoices;
  return {
    term: help.optionTerm(o),
    names: [o.short, o.long].filter((n): n is string => Boolean(n)),
    description: help.optionDescription(o),
    ...(m ? { value: m[1], kind: kindOf(m[1], choices), ...(choices ? { choices } : {}) } : {}),
  };
}

function argumentInfo(help: ReturnType<Command['createHelp']>, a: Argument, isHelp: boolean): ArgumentInfo {
  const choices = a.argChoices;
  return {
    name: a.name(), description: help.argumentDescription(a), required: a.required, variadic: a.variadic,
    kind: isHelp ? 'command' : kindOf(a.name(), choices), ...(choices ? { choices } : {}),
  };
}

/** The text that `addHelpText('after', ...)` adds: --help's output past helpInformation(). */
function afterHelpOf(cmd: Command, capture: { text: string }): string {
  const base = cmd.helpInformation();
  capture.text = '';
  cmd.outputHelp();
  const at = capture.text.indexOf(base);
  return at < 0 ? '' : capture.text.slice(at + base.length).replace(/^\n+|\n+$/g, '');
}

/** htcacheclean's options, from its usage text (word for word Apache's) and getopt spec. */
export function htcachecleanGrammar(): NonNullable<CommandInfo['grammar']> {
  const usage = usageText('htcacheclean');
  const takesValue = new Set([...HTC_SPEC.matchAll(/([a-zA-Z]):/g)].map((m) => m[1]));
  const valueName = new Map([...usage.matchAll(/-([a-zA-Z])([A-Z]{2,})/g)].map((m) => [m[1], m[2]]));
  const options: OptionInfo[] = [];
  for (const m of usage.matchAll(/^ {2}-([a-zA-Z]) {3}(.*(?:\n {7}.*)*)/gm)) {
    const [, letter, text] = m;
    const value = takesValue.has(letter) ? (valueName.get(letter) ?? 'ROUND') : undefined;
    const description = text.split('\n').map((l) => l.trim()).join(' ');
    options.push({
      term: `-${letter}${value ?? ''}`, names: [`-${letter}`], description,
      ...(value ? { value, kind: letter === 'p' ? 'dir' : letter === 'P' ? 'file' : 'text' } : {}),
    });
  }
  return { usage, options };
}

/**
 * The program's tree. `capture` must be where the program writes its output (its
 * configureOutput writeOut): the after-help text is read from what outputHelp() writes.
 * Without it (completion, which needs no prose), afterHelp is empty.
 */
export function describeProgram(program: Command, capture?: { text: string }): CommandInfo {
  // implicitHelp: commander's own `help [command]`, which is not in cmd.commands.
  const walk = (cmd: Command, path: string[], implicitHelp: boolean): CommandInfo => {
    const help = cmd.createHelp();
    return {
      path, name: cmd.name(), description: help.commandDescription(cmd), usage: `${[program.name(), ...path].join(' ')} ${cmd.usage()}`.trim(),
      options: help.visibleOptions(cmd).map((o) => optionInfo(help, o)),
      arguments: cmd.registeredArguments.map((a) => argumentInfo(help, a, implicitHelp)),
      commands: help.visibleCommands(cmd).map((c) => walk(c, [...path, c.name()], !cmd.commands.includes(c))),
      afterHelp: implicitHelp || !capture ? '' : afterHelpOf(cmd, capture),
      ...(path.join(' ') === 'htcacheclean' ? { grammar: htcachecleanGrammar() } : {}),
    };
  };
  return walk(program, [], false);
}
