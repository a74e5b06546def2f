#!/usr/bin/env node
// Times `cachectl sizing --json` beside GoAccess on the same generated access log (issue 18):
//   cachectl sizing --json --access-log FILE
//   goaccess FILE --log-format=COMBINED -o report.json
// Prints wall and CPU seconds (medians), the goaccess/cachectl ratio (target >= 4x) and
// cachectl's peak RSS (target <= 300 MiB), from /usr/bin/time.
//
//   npx tsc -p . && node bench/sizing-bench.mjs [--lines N] [--runs R] [--file PATH] [--json FILE]
//
// Options:
//   --lines N     lines in the generated log (default 1000000)
//   --runs R      timed runs per tool, interleaved (default 3; medians are reported)
//   --file PATH   where the log goes (default /work/bench-trees/sizing-N.log; reused when it
//                 exists with the same N and generator version, see PATH.json)
//   --idle P      wait until the CPUs are < P busy before each timed command (default 0.15)
//   --idle-wait S ... but for at most S seconds (default 20: the box is shared)
//   --json FILE   also write the results as JSON
//
// The log: combined format, 7 days, 60k distfiles of 1 KB..2 GB (log-uniform) requested with
// Zipf-like popularity (u^3 over the files), 88% GET 200, 6% 304, 2% 206, 2% HEAD, 2% 404;
// seeded, so every run times the same bytes.
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { runMeasured, median, table, fmtS, fmtX, fmtMiB, machine, parseArgs, waitIdle, TIME_BIN } from './lib.mjs';

const GENERATOR = 1;
const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(repo, 'bin/cachectl.js');
const GOACCESS = process.env.GOACCESS ?? '/usr/bin/goaccess';
const { values } = parseArgs({
  options: {
    lines: { type: 'string', default: '1000000' },
    runs: { type: 'string', default: '3' },
    file: { type: 'string' },
    idle: { type: 'string', default: '0.15' },
    'idle-wait': { type: 'string', default: '20' },
    json: { type: 'string' },
  },
});
const n = Number(values.lines);
const runs = Number(values.runs);
const file = values.file ?? `/work/bench-trees/sizing-${n}.log`;
for (const [tool, fix] of [[TIME_BIN, 'apt-get install -y time'], [GOACCESS, 'apt-get install -y goaccess']]) {
  if (!existsSync(tool)) throw new Error(`${tool} is missing: ${fix}`);
}

/** mulberry32: a small seeded generator, so the log is the same on every run. */
function rng(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const p2 = (x) => String(x).padStart(2, '0');
const clf = (ms) => {
  const d = new Date(ms);
  return `${p2(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} +0000`;
};
const AGENTS = ['Wget/1.21.4', 'Wget/1.24.5 (linux-gnu)', 'curl/8.5.0', 'Portage/3.0.63', 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0'];

async function generate(path) {
  const r = rng(18);
  const files = 60_000;
  const names = Array.from({ length: files }, (_, i) => `/gentoo-distfiles/distfiles/${(i * 2654435761 >>> 0).toString(16).slice(0, 2)}/pkg-${i}-${1 + (i % 9)}.${i % 3 ? 'tar.xz' : 'tar.gz'}`);
  const sizes = Array.from({ length: files }, () => Math.round(10 ** (3 + 6.3 * r())));
  const t0 = Date.UTC(2026, 0, 5, 0, 0, 0);
  const step = (7 * 86400e3) / n;
  const out = createWriteStream(path);
  let buf = '';
  for (let i = 0; i < n; i++) {
    const f = Math.floor(files * r() ** 3);
    const u = r();
    const [method, status, bytes] = u < 0.88 ? ['GET', 200, sizes[f]] : u < 0.94 ? ['GET', 304, 0] : u < 0.96 ? ['GET', 206, Math.floor(sizes[f] * r())] : u < 0.98 ? ['HEAD', 200, 0] : ['GET', 404, 196];
    const ip = `10.${(i * 7) & 255}.${(i * 13) & 255}.${1 + (i % 250)}`;
    buf += `${ip} - - [${clf(t0 + i * step)}] "${method} ${names[f]} HTTP/1.1" ${status} ${bytes || '-'} "-" "${AGENTS[i % AGENTS.length]}"\n`;
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await new Promise((res) => out.once('drain', res));
      buf = '';
    }
  }
  out.end(buf);
  await new Promise((res, rej) => out.on('finish', res).on('error', rej));
}

const marker = `${file}.json`;
const want = { lines: n, generator: GENERATOR };
if (!existsSync(file) || !existsSync(marker) || readFileSync(marker, 'utf8') !== JSON.stringify(want)) {
  mkdirSync(dirname(file), { recursive: true });
  const t = Date.now();
  console.log(`generating ${n} lines in ${file} ...`);
  await generate(file);
  writeFileSync(marker, JSON.stringify(want));
  console.log(`  done in ${((Date.now() - t) / 1000).toFixed(1)} s`);
}

const log = (s) => console.log(s);
const idle = { threshold: Number(values.idle), maxSeconds: Number(values['idle-wait']), log };
const out = mkdtempSync(join(tmpdir(), 'sizing-bench-'));
const commands = {
  cachectl: [process.execPath, [CLI, 'sizing', '--json', '--access-log', file], { captureStdout: true }],
  goaccess: [GOACCESS, [file, '--log-format=COMBINED', '-o', join(out, 'report.json')], {}],
};
const results = { cachectl: [], goaccess: [] };
const busy = [];
for (let i = 0; i < runs; i++) {
  for (const name of Object.keys(commands)) {
    busy.push(await waitIdle(idle));
    const [cmd, args, opts] = commands[name];
    const m = await runMeasured(cmd, args, opts);
    if (m.code !== 0) throw new Error(`${name} exited ${m.code}: ${m.stderr.slice(0, 500)}`);
    results[name].push(m);
    log(`  run ${i + 1} ${name}: ${fmtS(m.seconds)} s wall, ${fmtS(m.cpu)} s CPU, ${fmtMiB(m.maxRss)}`);
  }
}
const sizingJson = JSON.parse(results.cachectl[0].stdout);
rmSync(out, { recursive: true, force: true });

const med = (name, k) => median(results[name].map((m) => m[k]));
const ratio = med('goaccess', 'seconds') / med('cachectl', 'seconds');
const cpuRatio = med('goaccess', 'cpu') / med('cachectl', 'cpu');
const rss = Math.max(...results.cachectl.map((m) => m.maxRss));
console.log(`\n${n.toLocaleString('en-US')} combined lines (${sizingJson.requests.toLocaleString('en-US')} replayed, ${sizingJson.objects.toLocaleString('en-US')} objects, method ${sizingJson.method}); medians of ${runs}; CPU busy before runs: ${busy.map((b) => `${(b * 100).toFixed(0)}%`).join(' ')}`);
console.log(table([
  ['tool', 'wall s', 'CPU s', 'peak RSS'],
  ['cachectl sizing --json', fmtS(med('cachectl', 'seconds')), fmtS(med('cachectl', 'cpu')), fmtMiB(rss)],
  ['goaccess -o report.json', fmtS(med('goaccess', 'seconds')), fmtS(med('goaccess', 'cpu')), fmtMiB(Math.max(...results.goaccess.map((m) => m.maxRss)))],
]));
console.log(`goaccess / cachectl: ${fmtX(ratio)} wall, ${fmtX(cpuRatio)} CPU (target >= 4x): ${ratio >= 4 ? 'met' : 'NOT met'}`);
console.log(`cachectl peak RSS: ${fmtMiB(rss)} (target <= 300 MiB): ${rss <= 300 * 2 ** 20 ? 'met' : 'NOT met'}`);
if (values.json) writeFileSync(values.json, JSON.stringify({ machine: machine(), lines: n, runs, results, ratio, cpuRatio, rss }, null, 2));
