#!/usr/bin/env node
// `npm run lab`: a real Apache caching proxy on loopback, filled with ~30 distfiles, to
// try cachectl on. Stops (and removes everything) on Ctrl-C, or at once with --once.
//
//   node lab/run-lab.mjs [--once] [--levels N] [--length N] [--mpm event|prefork] [--no-temp]
//
// CACHECTL_LAB_KEEP=1 keeps the lab directory after stopping.

import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { relative } from 'node:path';
import { labAvailable, startLab } from './apacheLab.mjs';

const { values: o } = parseArgs({
  options: {
    once: { type: 'boolean', default: false },
    levels: { type: 'string', default: '2' },
    length: { type: 'string', default: '1' },
    mpm: { type: 'string', default: 'event' },
    'no-temp': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (o.help) {
  console.log('usage: node lab/run-lab.mjs [--once] [--levels N] [--length N] [--mpm event|prefork] [--no-temp]');
  process.exit(0);
}
if (!labAvailable()) {
  console.error("apache2 (with mod_cache_disk) not found: install Debian's apache2 (apt-get install apache2)");
  process.exit(1);
}

// `npm run lab | head` must not leave a lab behind: ignore a closed stdout.
process.stdout.on('error', () => {});

const bin = fileURLToPath(new URL('../bin/cachectl.js', import.meta.url));
const shownBin = relative(process.cwd(), bin) || bin;

const lab = await startLab({ dirLevels: Number(o.levels), dirLength: Number(o.length), mpm: o.mpm === 'prefork' ? 'prefork' : 'event' });
let stopping = false;
async function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  process.stderr.write('\nstopping httpd and the mirrors...\n');
  await lab.stop();
  process.exit(code);
}
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));

try {
  console.log(`httpd ${lab.pid} caching ${lab.baseUrl}/gentoo-distfiles/ (CacheDirLevels ${lab.dirLevels}, CacheDirLength ${lab.dirLength})`);
  console.log(`lab dir ${lab.dir} (httpd.conf, logs/access.log, logs/error.log)`);

  // ~30 requests: every distfile once, the vary ones also gzip'd, a few hits.
  let n = 0;
  const tally = { HIT: 0, MISS: 0, REVALIDATE: 0, OTHER: 0, NONE: 0 };
  const get = async (f, headers = {}) => {
    const r = await lab.fetch(f, headers);
    n++;
    tally[r.cache]++;
    if (r.status !== 200 || r.bodyOk !== true) throw new Error(`${f.name}: ${r.status} ${r.xCache} body ok: ${r.bodyOk}`);
  };
  for (const f of lab.distfiles) await get(f);
  for (const f of lab.distfiles.filter((x) => x.vary).slice(0, 3)) await get(f, { 'Accept-Encoding': 'gzip' });
  for (const f of lab.distfiles.slice(0, 3)) await get(f);
  await lab.waitForCommit();
  console.log(`${n} requests: ${tally.MISS} MISS, ${tally.HIT} HIT, ${tally.REVALIDATE} REVALIDATE`);
  if (!o['no-temp']) {
    const t = await lab.leaveTempFile();
    console.log(`killed httpd child ${t.pid} mid-download: it left ${relative(lab.cacheRoot, t.path)} (${t.size} bytes)`);
    await lab.waitForCommit();
  }

  console.log(`\ncache: ${lab.cacheRoot}\n`);
  console.log('try:');
  console.log(`  node ${shownBin} report ${lab.cacheRoot}`);
  console.log(`  node ${shownBin} list --long ${lab.cacheRoot}`);
  console.log(`  node ${shownBin} prune ${lab.cacheRoot} --limit 2M --dry-run`);
  console.log(`  htcacheclean -A -p ${lab.cacheRoot}`);
  console.log(`  curl -sI ${lab.baseUrl}${lab.distfiles[0].path}   # X-Cache: HIT ...`);
  console.log(`\n$ node ${shownBin} report ${lab.cacheRoot}`);
  await new Promise((resolve) => {
    const c = spawn(process.execPath, [bin, 'report', lab.cacheRoot], { stdio: 'inherit' });
    c.on('close', resolve);
    c.on('error', resolve);
  });

  if (o.once) await stop(0);
  else console.log('\nlab running; Ctrl-C stops it and removes the lab directory.');
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  await stop(1);
}
