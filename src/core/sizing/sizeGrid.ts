/**
 * The cache sizes the "what if" table shows by default: 0, then 1-2-5 steps of binary
 * units (…, 500 MiB, 1 GiB, 2 GiB, 5 GiB, …) from about 1/1000 of twice the working set
 * up to the first step at or above twice the working set. Round sizes, because people
 * will type one of them into --limit.
 */
export function sizeGrid(workingSet: number): number[] {
  if (!(workingSet > 0)) return [0];
  const top = 2 * workingSet;
  const steps: number[] = [];
  for (let unit = 1; steps.length === 0 || steps[steps.length - 1] < top; unit *= 1024) {
    for (const m of [1, 2, 5, 10, 20, 50, 100, 200, 500]) {
      steps.push(m * unit);
      if (m * unit >= top) break;
    }
  }
  let from = 0;
  while (from + 1 < steps.length && steps[from + 1] <= top / 1000) from++;
  return [0, ...steps.slice(from)];
}
