#!/usr/bin/env node
// Walker comparison on the same tree, each variant in its own process (wall time, peak
// RSS, files found). Proves the walker choice: our own walker vs fast-glob names-only +
// our own lstat vs fast-glob `stats: true` (which drops whole directories when one file
// vanishes: see bench/fast-glob-drop.mjs), plus prototypes of synchronous walkers.
//
//   npx tsc -p . && node bench/walker-bench.mjs [--entries N] [--cold] [--runs R] [--variants a,b]
//
// Variants (names = lstat of every file; +headers = also open/read/close every .header):
//   walk               dist/core/scan/walkPortable.js, no header reads
//   fg-names+lstat     fast-glob stream, names only, our own fs.lstat (64 in flight)
//   fg-stats           fast-glob stream, stats: true (loses directories on ENOENT)
//   sync               prototype: readdirSync + lstatSync, one directory per macrotask
//   workers2           prototype: the same in 2 worker threads
//   walk+headers       what `cachectl report` does today (scan() without classification)
//   sync+headers, workers2+headers, workers4+headers: the prototypes with header reads
import { lstat, lstatSync } from 'node:fs';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { ensureTree, defaultTreeDir } from './gen-tree.mjs';
import { requireTools, dropCaches, runMeasured, median, table, fmtS, fmtMiB, machine, parseArgs, waitIdle, treeOptions } from './lib.mjs';

const ALL = ['walk', 'fg-names+lstat', 'fg-stats', 'sync', 'workers2', 'walk+headers', 'sync+headers', 'workers2+headers', 'workers4+headers'];

/** Child mode: runs one variant in this process and prints {files, headers, seconds}. */
async function runVariant(variant, root) {
  let files = 0, headers = 0;
  const t0 = performance.now();
  const withHeaders = variant.endsWith('+headers');
  const base = variant.replace('+headers', '');
  if (base === 'walk') {
    const { walkPortable } = await import('../dist/core/scan/walkPortable.js');
    await walkPortable({
      root, rootStat: lstatSync(root), onReused: () => {},
      readHeaders: withHeaders,
      onDir: (d) => { files += d.files.length; for (const f of d.files) if (f.header) headers++; },
      onError: (e) => { throw new Error(`${e.path}: ${e.code}`); },
      onVanished: () => {},
    });
  } else if (base === 'fg-names' || base === 'fg-names+lstat') {
    const fg = (await import('fast-glob')).default;
    let inFlight = 0, wake = null;
    for await (const p of fg.stream('**', { cwd: root, absolute: true, dot: true, followSymbolicLinks: false, unique: false, onlyFiles: true })) {
      if (inFlight >= 64) await new Promise((r) => { wake = r; });
      inFlight++;
      lstat(p, (e, st) => {
        inFlight--;
        if (!e && st.isFile()) files++;
        if (wake) { const w = wake; wake = null; w(); }
      });
    }
    while (inFlight > 0) await new Promise((r) => { wake = r; });
  } else if (base === 'fg-stats') {
    const fg = (await import('fast-glob')).default;
    for await (const e of fg.stream('**', { cwd: root, absolute: true, dot: true, followSymbolicLinks: false, unique: false, onlyFiles: true, stats: true })) {
      if (e.stats.size >= 0) files++;
    }
  } else if (base === 'sync' || base.startsWith('workers')) {
    const { walkSync, walkWorkers } = await import('./proto/sync-walk.mjs');
    const onDir = (rel, r) => {
      if (!r.names) return;
      files += r.names.length;
      for (const h of r.headers) if (h) headers++;
    };
    if (base === 'sync') await walkSync(root, withHeaders, onDir);
    else await walkWorkers(root, withHeaders, onDir, Number(base.slice('workers'.length)));
  } else {
    throw new Error(`unknown variant ${variant}`);
  }
  return { files, headers, seconds: (performance.now() - t0) / 1000 };
}

const isMain = import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain) {
  const { values } = parseArgs({
    options: {
      ...treeOptions(),
      variants: { type: 'string', default: ALL.join(',') },
      child: { type: 'string' },
      root: { type: 'string' },
      env: { type: 'string', multiple: true, default: [] },
    },
  });
  if (values.child) {
    const r = await runVariant(values.child, values.root);
    process.stdout.write(JSON.stringify(r) + '\n');
  } else {
    requireTools();
    const entries = Number(values.entries);
    const runs = Number(values.runs);
    const env = Object.fromEntries(values.env.map((kv) => { const i = kv.indexOf('='); return [kv.slice(0, i), kv.slice(i + 1)]; }));
    if (values.cold) dropCaches();
    const tree = ensureTree({ entries, dir: values.dir ?? defaultTreeDir(entries) });
    const variants = values.variants.split(',');
    const self = fileURLToPath(import.meta.url);
    const one = async (v, timed = true) => {
      if (timed) await waitIdle({ log: (m) => console.error(m) });
      if (values.cold) dropCaches();
      const r = await runMeasured(process.execPath, [self, '--child', v, '--root', tree.root], { captureStdout: true, env });
      if (r.code !== 0) throw new Error(`${v} failed:\n${r.stderr}`);
      return { ...JSON.parse(r.stdout), wall: r.seconds, maxRss: r.maxRss, cpu: r.cpu };
    };
    console.error(`walker-bench: ${entries} entries (${tree.files} files), ${values.cold ? 'cold' : 'warm'}, ${runs} run(s)`);
    if (!values.cold) for (const v of variants) await one(v, false); // warm-up
    const res = Object.fromEntries(variants.map((v) => [v, []]));
    for (let i = 0; i < runs; i++) {
      for (const v of variants) {
        const r = await one(v);
        res[v].push(r);
        console.error(`  run ${i + 1}: ${v.padEnd(18)} ${fmtS(r.wall)} s  CPU ${fmtS(r.cpu)} s  ${fmtMiB(r.maxRss)}  ${r.files} files`);
      }
    }
    const info = machine();
    console.log(`\n${entries} entries (${tree.files} files), ${values.cold ? 'cold' : 'warm'}, median of ${runs}, ${info.date}, ${info.cpus} CPUs, node ${info.node}`);
    const rows = [['variant', 'median s', 'runs (s)', 'CPU s', 'peak RSS', 'files found', 'missing']];
    for (const v of variants) {
      const rs = res[v];
      const found = Math.min(...rs.map((r) => r.files));
      rows.push([v, fmtS(median(rs.map((r) => r.wall))), rs.map((r) => fmtS(r.wall)).join(' '), fmtS(median(rs.map((r) => r.cpu))), fmtMiB(Math.max(...rs.map((r) => r.maxRss))), found, tree.files - found]);
    }
    console.log(table(rows));
  }
}
