/**
 * An unexpected error is a bug, not the user's mistake: one line on stderr; the stack,
 * which only a developer can use, only with CACHECTL_DEBUG=1.
 */
export function internalErrorLine(prog: string, e: unknown, env: NodeJS.ProcessEnv): string {
  const debug = env.CACHECTL_DEBUG === '1';
  const what = e instanceof Error ? (debug ? e.stack ?? e.message : e.message) : String(e);
  return `${prog}: internal error: ${what}${debug ? '' : ' (CACHECTL_DEBUG=1 shows where)'}\n`;
}
