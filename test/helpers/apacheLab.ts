import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { needTool } from './tools.js';
import { runBin, runCachectl, type RunResult } from './cli.js';
import { startLab } from '../../lab/apacheLab.mjs';

export { startLab, walkTree, sumSizes, ageTree, cacheStem } from '../../lab/apacheLab.mjs';

/** Tests against a real httpd: skipped with a visible reason where the tools are missing. */
export const apache2 = needTool('apache2', 'apache2');
export const htcacheclean = needTool('htcacheclean', 'apache2-utils');

/** The describe title, with the skip reason appended when a tool is missing. */
export function titled(title: string, ...tools: { path: string | null; reason: string }[]): string {
  const missing = tools.filter((t) => !t.path);
  return missing.length ? `${title} (skipped: ${missing.map((t) => t.reason).join('; ')})` : title;
}
export const haveAll = (...tools: { path: string | null }[]) => tools.every((t) => t.path);

export type Lab = Awaited<ReturnType<typeof startLab>>;
export type Distfile = Lab['files'][number];
export type FetchResult = Awaited<ReturnType<Lab['fetch']>>;

/** One cacheable thing: a distfile, and for vary files the Accept-Encoding sent ('' = none). */
export interface Req { file: Distfile; ae: string }
export const reqHeaders = (r: Req): Record<string, string> => (r.ae ? { 'Accept-Encoding': r.ae } : {});
export const reqLabel = (r: Req) => (r.file.vary ? `${r.file.name} [ae=${r.ae || '-'}]` : r.file.name);

/** Every cacheable distfile once; vary files once per Accept-Encoding value. */
export function allRequests(lab: Lab, varyValues: string[] = ['', 'gzip', 'identity']): Req[] {
  const out: Req[] = [];
  for (const file of lab.distfiles) {
    if (file.vary) for (const ae of varyValues) out.push({ file, ae });
    else out.push({ file, ae: '' });
  }
  return out;
}

/** Runs `reqs` with `concurrency` clients; every answer must be a 200 with the right body. */
export async function fetchAll(lab: Lab, reqs: Req[], concurrency = 4): Promise<FetchResult[]> {
  const results: FetchResult[] = new Array(reqs.length);
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < reqs.length) {
      const i = next++;
      results[i] = await lab.fetch(reqs[i].file, reqHeaders(reqs[i]));
    }
  }));
  const bad = results.map((r, i) => ({ r, i })).filter(({ r }) => r.status !== 200 || r.bodyOk !== true);
  expect(bad.map(({ r, i }) => `${reqLabel(reqs[i])}: ${r.status} ${r.xCache} ok=${r.bodyOk}`)).toEqual([]);
  return results;
}

/** Fetches every request (through httpd, so it gets cached) and waits for the commits. */
export async function fillCache(lab: Lab, reqs: Req[]): Promise<void> {
  const results = await fetchAll(lab, reqs);
  expect(results.filter((r) => r.cache !== 'MISS').map((r) => `${r.file?.name}: ${r.xCache}`)).toEqual([]);
  await lab.waitForCommit();
}

/** The entry files httpd keeps for one request: header + data (vary: the variant's). */
export function entryOf(lab: Lab, r: Req): { header: string; data: string; index: string | null } {
  const e = lab.entryFiles(r.file, [r.ae]);
  if (!r.file.vary) return { header: e.header, data: e.data!, index: null };
  return { header: e.variants[0].header, data: e.variants[0].data, index: e.header };
}
export function isCached(lab: Lab, r: Req): boolean {
  const e = entryOf(lab, r);
  return existsSync(e.header) && existsSync(e.data);
}

export interface HtcLine { url: string; hdrSize: number; bodySize: number; line: string }

/** Real `htcacheclean -A -p DIR`: one line per valid entry (vary variants included). */
export function htcacheA(dir: string): Promise<HtcLine[]> {
  return new Promise((resolve, reject) => {
    execFile(htcacheclean.path!, ['-A', '-p', dir], { encoding: 'utf8', maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      if (err) { reject(new Error(`htcacheclean -A failed: ${stderr || err.message}`)); return; }
      resolve(stdout.split('\n').filter(Boolean).map((line) => {
        const f = line.split(' ');
        return { url: f[0], hdrSize: Number(f[1]), bodySize: Number(f[2]), line };
      }));
    });
  });
}

/** Bytes as htcacheclean counts them: header + body of every valid entry. */
export const htcacheBytes = (lines: HtcLine[]) => lines.reduce((n, l) => n + l.hdrSize + l.bodySize, 0);

/** Runs the built cachectl and asserts its exit code. */
export async function cachectl(args: string[], code = 0): Promise<RunResult> {
  const r = await runCachectl(args, { timeoutMs: 60_000 });
  if (r.code !== code) throw new Error(`cachectl ${args.join(' ')} exited ${r.code} (want ${code})\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r;
}
export async function cachectlJson<T = any>(args: string[], code = 0): Promise<T> {
  const r = await cachectl(args, code);
  try { return JSON.parse(r.stdout) as T; } catch { throw new Error(`cachectl ${args.join(' ')}: not JSON:\n${r.stdout}\n${r.stderr}`); }
}
export { runBin };

/** Directories below root (not root itself) with no file anywhere beneath them. */
export async function emptyDirs(root: string): Promise<string[]> {
  const out: string[] = [];
  async function visit(dir: string): Promise<number> {
    let files = 0;
    for (const e of await readdir(dir, { withFileTypes: true })) {
      files += e.isDirectory() ? await visit(join(dir, e.name)) : 1;
    }
    if (files === 0 && dir !== root) out.push(dir);
    return files;
  }
  await visit(root);
  return out;
}

/**
 * After an eviction: every request still cached is served from the cache (HIT, or a
 * REVALIDATE for max-age=2 files), every evicted one is a MISS fetched again; all bodies
 * right, never a 5xx. Returns the counts.
 */
export async function checkServing(lab: Lab, reqs: Req[]): Promise<{ hits: number; misses: number }> {
  const kept = reqs.map((r) => isCached(lab, r));
  const results = await fetchAll(lab, reqs, 1);
  const wrong: string[] = [];
  results.forEach((res, i) => {
    const want = kept[i] ? (reqs[i].file.maxAge !== null ? ['HIT', 'REVALIDATE'] : ['HIT']) : ['MISS'];
    if (!want.includes(res.cache)) wrong.push(`${reqLabel(reqs[i])}: cached=${kept[i]} but ${res.xCache}`);
  });
  expect(wrong).toEqual([]);
  await lab.waitForCommit();
  return { hits: kept.filter(Boolean).length, misses: kept.filter((k) => !k).length };
}

/**
 * For a describe block: a lab filled with every request before its tests, stopped after
 * them even when one fails. The returned object forwards to the lab once it is up.
 */
export function useFilledLab(opts: Parameters<typeof startLab>[0]): Lab {
  const holder: { lab?: Lab } = {};
  beforeAll(async () => {
    holder.lab = await startLab(opts);
    await fillCache(holder.lab, allRequests(holder.lab));
  }, 120_000);
  afterAll(async () => { await holder.lab?.stop(); }, 60_000);
  return new Proxy({} as Lab, { get: (_t, prop) => Reflect.get(holder.lab as object, prop) });
}
