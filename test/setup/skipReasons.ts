import type { Reporter, TestCase, TestModule } from 'vitest/node';

/**
 * The default reporter shows a skipped file as "↓ file (5 tests | 5 skipped)": the reason
 * in the suite's title (see titled() in test/helpers/apacheLab.ts) never shows. This
 * prints each reason once, with its count, after the summary, on stderr.
 */
export default class SkipReasons implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const counts = new Map<string, number>();
    for (const m of modules) {
      for (const t of m.children.allTests('skipped')) {
        const reason = reasonOf(t) ?? 'no reason in the title';
        counts.set(reason, (counts.get(reason) ?? 0) + 1);
      }
    }
    if (counts.size === 0) return;
    let text = '\nSkipped, and why:\n';
    for (const [reason, n] of [...counts].sort((a, b) => b[1] - a[1])) text += `  ${n} ${n === 1 ? 'test' : 'tests'}: ${reason}\n`;
    process.stderr.write(text);
  }
}

/** "title (skipped: REASON)" on the test or any suite around it. */
function reasonOf(t: TestCase): string | undefined {
  const marker = '(skipped: ';
  for (let node: { name?: string; parent?: unknown; type: string } | undefined = t; node && node.type !== 'module'; node = node.parent as typeof node) {
    const i = node.name?.indexOf(marker) ?? -1;
    if (i >= 0) return node.name!.slice(i + marker.length).replace(/\)$/, '');
  }
  return undefined;
}
