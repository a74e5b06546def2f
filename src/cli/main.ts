import { Command, CommanderError } from 'commander';
import { CachectlError, disableNative, nativeState } from '../api/common.js';
import { processContext, type CliContext } from './context.js';
import { registerCommands } from './commands/index.js';
import { EXIT_STATUS_HELP } from './exitStatus.js';
import { internalErrorLine } from './output/internalError.js';
import { versionLine } from './output/versionText.js';
import { packageVersion } from './version.js';


export function buildProgram(ctx: CliContext): Command {
  const program = new Command('cachectl')
    .description('Keep an Apache mod_cache_disk cache (or any file cache) under a size limit.')
    // Not commander's .version(STRING): the line names the reader in use, and loading the
    // addon to say so is done only when asked, not at every start.
    .option('-V, --version', 'print the version and the directory reader in use')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => ctx.out(s), writeErr: (s) => ctx.err(s) })
    .addHelpText('after', EXIT_STATUS_HELP);
  program.on('option:version', () => {
    ctx.out(versionLine(packageVersion(), nativeState()));
    throw new CommanderError(0, 'commander.version', 'version printed');
  });
  registerCommands(program, ctx);
  return program;
}

/** Runs the CLI; resolves to the exit status. The only place errors become exit codes. */
export async function main(argv: string[], ctx: CliContext = processContext()): Promise<number> {
  // CACHECTL_NATIVE=0: the portable walker instead of the native reader (to compare, or to
  // rule the native code out when something looks wrong).
  if (ctx.env.CACHECTL_NATIVE === '0') disableNative();
  const program = buildProgram(ctx);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return ctx.exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Commander has printed its message; help and version are successes, the rest usage errors.
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
      return 2;
    }
    if (e instanceof CachectlError) {
      ctx.err(`cachectl: ${e.message}\n`);
      return e.exitCode;
    }
    ctx.err(internalErrorLine('cachectl', e, ctx.env));
    return 1;
  } finally {
    (ctx as Partial<{ dispose(): void }>).dispose?.();
  }
}
