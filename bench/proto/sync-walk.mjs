// Prototype walkers for bench/walker-bench.mjs (not used by cachectl): one directory read
// with synchronous calls (readdir, lstat per entry, open/read/close per .header), either
// on the main thread between setImmediate yields or in a pool of worker threads.
import { closeSync, constants, lstatSync, openSync, readdirSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { Worker, isMainThread, parentPort } from 'node:worker_threads';
import { parseHeader } from '../../dist/core/format/header.js';

const O_NOATIME = constants.O_NOATIME ?? 0;
const FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | (constants.O_NONBLOCK ?? 0);
const buf = Buffer.allocUnsafe(4096);

/** Reads one directory: per-file numbers in one Float64Array (8 per file), names, header prefixes. */
export function readDirSync(abs, readHeaders) {
  let dirents;
  try {
    dirents = readdirSync(abs, { withFileTypes: true });
  } catch (e) {
    return { error: e.code ?? 'EIO', vanished: e.code === 'ENOENT' ? 1 : 0 };
  }
  const names = [];
  const nums = new Float64Array(dirents.length * 8);
  const headers = [];
  const subdirs = [];
  let others = 0, vanished = 0, n = 0;
  const errors = [];
  for (const d of dirents) {
    if (!d.isFile() && !d.isDirectory()) { others++; continue; }
    const p = join(abs, d.name);
    let st;
    try {
      st = lstatSync(p, { throwIfNoEntry: false });
    } catch (e) {
      errors.push({ path: p, code: e.code });
      continue;
    }
    if (!st) { vanished++; continue; }
    if (st.isDirectory()) { subdirs.push(d.name); continue; }
    if (!st.isFile()) { others++; continue; }
    const o = n * 8;
    nums[o] = st.size; nums[o + 1] = st.blocks; nums[o + 2] = st.mtimeMs; nums[o + 3] = st.atimeMs;
    nums[o + 4] = st.ctimeMs; nums[o + 5] = st.ino; nums[o + 6] = st.dev;
    names.push(d.name);
    let h = null;
    if (readHeaders && d.name.toLowerCase().endsWith('.header')) {
      try {
        const fd = openSync(p, FLAGS | O_NOATIME);
        try {
          const got = readSync(fd, buf, 0, buf.length, 0);
          // Parsed here (strings and numbers): the scratch buffer is reused for the next file.
          h = parseHeader(buf.subarray(0, got), got < buf.length);
        } finally {
          closeSync(fd);
        }
      } catch (e) {
        h = e.code ?? 'EIO';
      }
    }
    headers.push(h);
    n++;
  }
  return { names, nums: nums.subarray(0, n * 8), headers, subdirs, others, vanished, errors };
}

/** Main-thread variant: one directory per macrotask. */
export function walkSync(root, readHeaders, onDir) {
  return new Promise((resolve) => {
    const stack = [''];
    const step = () => {
      const rel = stack.pop();
      if (rel === undefined) return resolve();
      const r = readDirSync(rel === '' ? root : join(root, rel), readHeaders);
      if (r.subdirs) for (const s of r.subdirs) stack.push(rel === '' ? s : `${rel}/${s}`);
      onDir(rel, r);
      setImmediate(step);
    };
    step();
  });
}

/** Worker-pool variant: `workers` threads, each reading one directory at a time. */
export function walkWorkers(root, readHeaders, onDir, workers = 2) {
  return new Promise((resolve, reject) => {
    const stack = [''];
    const pool = [];
    let active = 0;
    const pump = () => {
      for (const w of pool) {
        if (w.busy || stack.length === 0) continue;
        const rel = stack.pop();
        w.busy = rel;
        active++;
        w.worker.postMessage({ abs: rel === '' ? root : join(root, rel), readHeaders });
      }
      if (active === 0 && stack.length === 0) {
        for (const w of pool) w.worker.terminate();
        resolve();
      }
    };
    for (let i = 0; i < workers; i++) {
      const w = { busy: null, worker: new Worker(new URL(import.meta.url), { resourceLimits: { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 16 } }) };
      w.worker.on('message', (r) => {
        const rel = w.busy;
        w.busy = null;
        active--;
        if (r.subdirs) for (const s of r.subdirs) stack.push(rel === '' ? s : `${rel}/${s}`);
        onDir(rel, r);
        pump();
      });
      w.worker.on('error', reject);
      pool.push(w);
    }
    pump();
  });
}

if (!isMainThread && parentPort) {
  parentPort.on('message', ({ abs, readHeaders }) => {
    const r = readDirSync(abs, readHeaders);
    parentPort.postMessage(r, r.nums ? [r.nums.buffer] : []);
  });
}
