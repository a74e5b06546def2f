import { describe, expect, test, vi } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

// Fault injection only: a system without a usable /proc (SafeTree then falls back to
// lstat-ing each component and comparing the parent's realpath before each unlink).
vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...fs,
    stat: (async (p: string, ...rest: unknown[]) => {
      if (String(p).startsWith('/proc/self/fd/')) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
      return (fs.stat as (...a: unknown[]) => unknown)(p, ...rest);
    }) as typeof fs.stat,
  };
});

const { SafeTree } = await import('../../src/core/safety/tree.js');
const { evict } = await import('../../src/core/prune/evict.js');
const { swapScenario } = await import('./swap.js');

describe('SafeTree without /proc', () => {
  test('falls back to checks, and a swapped directory still cannot redirect an unlink', async () => {
    const s = await swapScenario();
    const tree = await SafeTree.open(s.root);
    expect(tree.atomic).toBe(false);
    await tree.close();
    await s.swap();
    const r = await evict(s.snap, s.plan.steps, { dryRun: false, nice: false, removeEmptyDirs: true });
    for (const n of s.names) expect(readFileSync(join(s.outside, n), 'utf8')).toBe(`precious ${n}`);
    expect(r.files).toBe(0);
    expect(r.errors.map((e) => e.code)).toEqual(s.names.map(() => 'ENOTDIR'));
  });

  test('and still deletes what it should', async () => {
    const s = await swapScenario();
    const r = await evict(s.snap, s.plan.steps, { dryRun: false, nice: false, removeEmptyDirs: true });
    expect(r.files).toBe(s.names.length);
    expect(existsSync(join(s.root, 'd'))).toBe(false); // -t removed the emptied directory
  });
});
