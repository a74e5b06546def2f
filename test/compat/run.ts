import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { needTool } from '../helpers/tools.js';
import { HTCACHECLEAN_BIN, runBin, runProcess, type RunResult } from '../helpers/cli.js';

export const real = needTool('htcacheclean', 'apache2-utils');

/** Debian's htcacheclean, with the same argv our bin gets. */
export function runReal(args: string[], cwd?: string): Promise<RunResult> {
  return runProcess(real.path!, args, { cwd });
}

export const runOurs = (args: string[], env?: NodeJS.ProcessEnv) => runBin(args, { bin: HTCACHECLEAN_BIN, env });

export const sortedLines = (s: string) => s.split('\n').filter(Boolean).sort();

/** Every path below `root` (files, directories, links), relative and sorted. */
export async function tree(root: string): Promise<string[]> {
  const out: string[] = [];
  const visit = async (rel: string) => {
    for (const d of await readdir(join(root, rel), { withFileTypes: true })) {
      const p = rel ? `${rel}/${d.name}` : d.name;
      out.push(d.isDirectory() ? `${p}/` : p);
      if (d.isDirectory()) await visit(p);
    }
  };
  await visit('');
  return out.sort();
}

/** Directories with nothing at all below them. */
export async function emptyDirs(root: string): Promise<string[]> {
  const all = await tree(root);
  return all.filter((p) => p.endsWith('/') && !all.some((q) => q !== p && q.startsWith(p)));
}

/** The figures of htcacheclean's -v block that describe the cache before the run. */
export function wasFigures(stderr: string): Record<string, string> {
  const get = (re: RegExp) => re.exec(stderr)?.[1] ?? `(missing: ${re.source})`;
  return {
    cleaned: get(/^Cleaned (.*)\. Statistics:$/m),
    sizeLimit: get(/^size limit (.*)$/m),
    inodesLimit: get(/^inodes limit (.*)$/m),
    sizeWas: get(/^total size was ([^,]*),/m),
    inodesWas: get(/^total inodes was (\d+),/m),
    entriesWas: get(/^total entries was (\d+),/m),
  };
}
