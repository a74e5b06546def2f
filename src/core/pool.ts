/**
 * `jobs` workers over one shared cursor on [0, total), taking `batch` positions at a time:
 * a worker takes the next slice as soon as it is done with its last, so slow slices
 * balance out. No slice is started once `signal` is aborted, or once `each` returned
 * false (the work cannot go on: the root was lost). A worker's error rejects the whole.
 * Resolves to whether every slice was handed out.
 */
export async function inSlices(
  total: number,
  o: { readonly jobs: number; readonly batch: number; readonly signal?: AbortSignal },
  each: (from: number, to: number) => Promise<void | false>,
): Promise<boolean> {
  let next = 0;
  let stopped = false;
  const worker = async (): Promise<void> => {
    while (next < total && !stopped && !o.signal?.aborted) {
      const from = next;
      next = Math.min(total, from + o.batch);
      if ((await each(from, next)) === false) stopped = true;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, o.jobs) }, worker));
  return next >= total && !stopped;
}
