import type { ArgumentInfo, CommandInfo, OptionInfo } from '../commandTree.js';

/** The program and every command below it, depth first, commander's `help` included. */
export function* walkCommands(c: CommandInfo): Generator<CommandInfo> {
  yield c;
  for (const s of c.commands) yield* walkCommands(s);
}

/** A POSIX single-quoted word ('it'\''s'): bash, zsh and fish all read it back as it was. */
export function shellWords(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** What a value completes to: dir, file, words:W1 W2 (choices), or text (nothing to offer). */
export function valueCompletion(v: Pick<OptionInfo, 'kind' | 'choices'> | ArgumentInfo): string {
  if (v.choices?.length) return `words:${v.choices.join(' ')}`;
  return v.kind === 'dir' || v.kind === 'file' ? v.kind : 'text';
}

/** The description without commander's "(choices: ..., default: ..., env: ...)" tail: one short line to show beside a candidate. */
export function shortDescription(d: string): string {
  return d.replace(/\s*\((choices|default|env): [^]*\)$/, '').split('\n')[0];
}
