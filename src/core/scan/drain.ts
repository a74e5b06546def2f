/**
 * The walkers' job pool: runs `run` on the jobs of `queue`, newest first (depth first, so
 * the queue stays short), at most `limit` at once; a job may queue more. Resolves true
 * once every job is done, false once `signal` aborted (after the jobs in flight).
 */
export function drain<T>(queue: T[], limit: number, signal: AbortSignal | undefined, run: (job: T, done: () => void) => void): Promise<boolean> {
  return new Promise((resolve) => {
    let active = 0;
    const pump = (): void => {
      if (signal?.aborted) {
        if (active === 0) resolve(false);
        return;
      }
      while (active < limit && queue.length > 0) {
        active++;
        run(queue.pop()!, () => {
          active--;
          pump();
        });
      }
      if (active === 0 && queue.length === 0) resolve(true);
    };
    pump();
  });
}
