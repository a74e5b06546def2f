/** The exit status of a run stopped by a signal: 128 + its number, as shells report it. */
export function interruptedExitCode(signalName: string | undefined): number {
  return signalName === 'SIGTERM' ? 143 : 130;
}
