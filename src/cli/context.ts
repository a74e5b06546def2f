import { interruptedExitCode } from './exitCode.js';

/**
 * What a command may touch of the outside world. `main` builds it from `process`;
 * tests may build their own. Commands never call process.exit: they return a code.
 */
export interface CliContext {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly env: NodeJS.ProcessEnv;
  /** stderr is a terminal: progress lines and colour are allowed there. */
  readonly errIsTTY: boolean;
  readonly outIsTTY: boolean;
  /** Aborted by SIGINT/SIGTERM; `signalName` says which. */
  readonly signal: AbortSignal;
  signalName?: 'SIGINT' | 'SIGTERM';
  exitCode: number;
}

export function processContext(): CliContext & { dispose(): void } {
  const ac = new AbortController();
  const ctx: CliContext & { dispose(): void } = {
    out: (s) => process.stdout.write(s),
    err: (s) => process.stderr.write(s),
    env: process.env,
    errIsTTY: Boolean(process.stderr.isTTY),
    outIsTTY: Boolean(process.stdout.isTTY),
    signal: ac.signal,
    exitCode: 0,
    dispose: () => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
    },
  };
  // A second signal while shutting down means "now": restore the default action.
  const stop = (name: 'SIGINT' | 'SIGTERM') => {
    if (ac.signal.aborted) process.kill(process.pid, name);
    ctx.signalName = name;
    ctx.dispose();
    process.once(name, () => process.exit(interruptedExitCode(name)));
    ac.abort(new Error(name));
  };
  // `cachectl list | head`: the reader went away. Stop quietly, as other Unix tools do.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(ctx.exitCode);
    throw e;
  });
  const onInt = () => stop('SIGINT');
  const onTerm = () => stop('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  return ctx;
}
