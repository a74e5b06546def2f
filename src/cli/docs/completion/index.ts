import type { CommandInfo } from '../commandTree.js';
import { bashCompletion } from './bash.js';
import { fishCompletion } from './fish.js';
import { zshCompletion } from './zsh.js';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

/** The completion script for `shell`, from the program's tree. */
export function completionScript(shell: Shell, tree: CommandInfo, version: string): string {
  return { bash: bashCompletion, zsh: zshCompletion, fish: fishCompletion }[shell](tree, version);
}
