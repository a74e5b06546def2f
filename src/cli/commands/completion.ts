import { Argument, type Command } from 'commander';
import type { CliContext } from '../context.js';
import { packageVersion } from '../version.js';

/** `cachectl completion bash|zsh|fish`: a completion script generated from this very program's commander tree. */
export function registerCompletion(program: Command, ctx: CliContext): void {
  program
    .command('completion')
    .description('print a shell completion script (commands, options, their choices, directories)')
    // Spelled out, not SHELLS: the generators load only when this command runs.
    .addArgument(new Argument('<shell>', 'the shell to complete for').choices(['bash', 'zsh', 'fish']))
    .addHelpText('after', `
Examples:
  cachectl completion bash > /usr/share/bash-completion/completions/cachectl
  cachectl completion zsh > /usr/share/zsh/site-functions/_cachectl
  cachectl completion fish > ~/.config/fish/completions/cachectl.fish
  source <(cachectl completion bash)`)
    .action(async (shell: 'bash' | 'zsh' | 'fish') => {
      const [{ describeProgram }, { completionScript }] = await Promise.all([import('../docs/commandTree.js'), import('../docs/completion/index.js')]);
      ctx.out(completionScript(shell, describeProgram(program), packageVersion()));
    });
}
