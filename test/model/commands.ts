/**
 * The commands of the model test: what httpd, admins, backup tools and logrotate do to a
 * cache, plus the two checks (run, pruneForReal). Each takes only generated numbers
 * ("entry #7") and resolves them against the tree as it is when it runs, so any sequence
 * is valid and shrinks well; what it resolved to goes into the history's trace.
 */
import fc from 'fast-check';
import { appendFile, chmod, chown, link, lstat, mkdir, readdir, readFile, rename, symlink, truncate, unlink, utimes, writeFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { encodeEntryHeader } from '../../src/core/sample/encode.js';
import { checkEquivalence, pruneForReal } from './checks.js';
import { IS_ROOT, timed, type History, type Model } from './history.js';
import {
  DAY, HOUR, PLAIN_KEYS, VARY_KEYS, cpA, httpdStore, parseAt, pick, readNoAtime, realDirsOrMissing, rmdirUp, stemOf,
  storeVariant, viewTree, writeTemp, type EntryFiles,
} from './tree.js';

type Act = (h: History) => Promise<string>;

/** A command: a label with its generated numbers, and what it does to the real tree. */
export class Cmd implements fc.AsyncCommand<Model, History> {
  constructor(readonly label: string, private readonly act: Act, private readonly guard: (m: Model) => boolean = () => true) {}
  check(m: Readonly<Model>): boolean { return this.guard(m); }
  async run(_m: Model, h: History): Promise<void> {
    await h.step(`${h.trace.length + 1}. ${this.label}`, () => timed(this.label.replace(/\(.*/, ''), () => this.act(h).catch((e: NodeJS.ErrnoException) => {
      // Without root, a directory made unreadable (chmod000) makes later commands fail there,
      // as they would for httpd: the command is not done, the history goes on.
      if (!IS_ROOT && e.code === 'EACCES') return `not done (EACCES)`;
      throw e;
    })));
  }
  toString(): string { return this.label; }
}

const nat = fc.nat({ max: 999 });
const file = fc.constantFrom('body', 'header') as fc.Arbitrary<'body' | 'header'>;
export const usage = fc.constantFrom('disk', 'apparent') as fc.Arbitrary<'disk' | 'apparent'>;
/** Which check runs first: the indexed prune after an indexed report (which re-read and saved the index), or alone, as cron runs it. */
export const order = fc.constantFrom('prune-first', 'report-first') as fc.Arbitrary<'prune-first' | 'report-first'>;
const SKIPPED = 'skipped (nothing to pick)';

/** An entry's chosen file: the body, or the header when asked or when it has no body. */
const fileOf = (e: { header: string; data?: string }, f: 'body' | 'header') => (f === 'body' && e.data ? e.data : e.header);

async function withEntry(h: History, n: number, fn: (e: EntryFiles) => Promise<string>): Promise<string> {
  const e = pick((await viewTree(h.root)).entries, n);
  return e ? fn(e) : SKIPPED;
}

const logTime = (ms: number): string => {
  const d = new Date(ms);
  const m = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getUTCMonth()];
  const p = (x: number) => String(x).padStart(2, '0');
  return `${p(d.getUTCDate())}/${m}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
};
const logLine = (key: string, ms: number, status = 200) => {
  const path = new URL(key.replace(/\?$/, '')).pathname;
  return `192.0.2.7 - - [${logTime(ms)}] "GET ${path} HTTP/1.1" ${status} 1234\n`;
};

const us = (ms: number) => Math.round(ms * 1000);

/** A kind of command: its generated parameters, and the command they make. */
const cmd = <P>(params: fc.Arbitrary<P>, make: (p: P) => Cmd) => ({ params, make });

/** Every kind of command, by name (the names CACHECTL_FUZZ_SKIP / _ONLY take). */
export const COMMANDS = {
  // httpd stores a response: body and header to aptmp* in the root, renamed into place
  // (header first). A key already cached is replaced; an empty body stores no .data.
  store: cmd(fc.record({ key: nat, body: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 6000 })) }), ({ key, body }) => new Cmd(`store(key#${key}, ${body} B)`, async (h) => {
    const k = PLAIN_KEYS[key % PLAIN_KEYS.length];
    const stem = stemOf(k);
    if (!(await realDirsOrMissing(h.root, dirname(stem)))) return `skipped: ${dirname(stem)} is not a directory (httpd cannot store)`;
    await httpdStore(h.root, { key: k, stem, body, now: Date.now() }, h.tmpName);
    return `${stem}.header${body > 0 ? ' + .data' : ''}`;
  })),

  // httpd serving a hit reads the header and the body: the kernel moves atime (relatime:
  // when atime <= mtime or a day old), ctime stays. The access log gets the request.
  hit: cmd(nat, (n) => new Cmd(`hit(entry#${n})`, (h) => withEntry(h, n, async (e) => {
    await readFile(join(h.root, e.header));
    if (e.data) await readFile(join(h.root, e.data));
    if (h.useLog) await appendFile(join(h.logs, 'access_log'), logLine(e.key, Date.now()));
    return e.data ?? e.header;
  }))),

  // A 304: the header is rewritten (temp + rename: new inode, new mtime, longer), the body kept.
  revalidate: cmd(nat, (n) => new Cmd(`revalidate(entry#${n})`, (h) => withEntry(h, n, async (e) => {
    const old = await parseAt(join(h.root, e.header));
    if (old.kind !== 'entry') return 'skipped (not an entry header)';
    const t = Date.now();
    const tmp = join(h.root, h.tmpName());
    await writeFile(tmp, encodeEntryHeader({
      key: old.key, status: old.status, date: Math.floor(t / 1000) * 1e6, expire: us(t + DAY), requestTime: us(t) - 900, responseTime: us(t),
      inode: BigInt(old.inode), device: BigInt(old.device), hasBody: old.hasBody, headerOnly: old.headerOnly,
      responseHeaders: { 'Content-Length': '1', ...(e.variant ? { Vary: 'Accept-Encoding' } : {}) },
      requestHeaders: { Host: 'mirror.local', 'If-Modified-Since': new Date(old.date / 1000).toUTCString() },
    }));
    await rename(tmp, join(h.root, e.header));
    return e.header;
  }))),

  // httpd's remove_url: header, body, then the directories it leaves empty.
  remove: cmd(nat, (n) => new Cmd(`httpdRemove(entry#${n})`, (h) => withEntry(h, n, async (e) => {
    await unlink(join(h.root, e.header));
    if (e.data) await unlink(join(h.root, e.data)).catch(() => {});
    await rmdirUp(h.root, dirname(e.header));
    return e.header;
  }))),

  // touch -d / utimes on a body, a header or both: back, forward (at most to now) or into
  // the future. Moves ctime, as any utimes does.
  setTimes: cmd(fc.record({
    n: nat, which: fc.constantFrom('body', 'header', 'both'), field: fc.constantFrom('atime', 'mtime', 'both'),
    dir: fc.constantFrom('back', 'forward', 'future'), hours: fc.integer({ min: 1, max: 2000 }),
  }), ({ n, which, field, dir, hours }) => new Cmd(`setTimes(entry#${n}, ${which}, ${field}, ${dir} ${hours}h)`, (h) => withEntry(h, n, async (e) => {
    const files = which === 'both' ? [e.header, ...(e.data ? [e.data] : [])] : [fileOf(e, which)];
    for (const f of files) {
      const st = await lstat(join(h.root, f));
      const move = (t: number) => (dir === 'back' ? t - hours * HOUR : dir === 'forward' ? Math.min(h.now, t + hours * HOUR) : h.now + hours * HOUR);
      const at = field === 'mtime' ? st.atimeMs : move(st.atimeMs);
      const mt = field === 'atime' ? st.mtimeMs : move(st.mtimeMs);
      await utimes(join(h.root, f), at / 1000, mt / 1000);
    }
    return files.join(', ');
  }))),

  // Metadata only (ctime moves; size, mtime, inode stay): chmod, chown, a hard link made
  // elsewhere (by a backup tool, say).
  chmod: cmd(fc.record({ n: nat, f: file, mode: fc.constantFrom(0o600, 0o644, 0o400, 0o000) }), ({ n, f, mode }) => new Cmd(`chmod(entry#${n} ${f}, ${mode.toString(8).padStart(3, '0')})`, (h) => withEntry(h, n, async (e) => {
    await chmod(join(h.root, fileOf(e, f)), mode);
    return fileOf(e, f);
  }))),

  chown: cmd(fc.record({ n: nat, f: file, uid: fc.integer({ min: 1, max: 65534 }) }), ({ n, f, uid }) => new Cmd(`chown(entry#${n} ${f}, ${uid})`, (h) => withEntry(h, n, async (e) => {
    await chown(join(h.root, fileOf(e, f)), uid, uid);
    return fileOf(e, f);
  }), () => IS_ROOT)),

  link: cmd(fc.record({ n: nat, f: file }), ({ n, f }) => new Cmd(`hardLink(entry#${n} ${f})`, (h) => withEntry(h, n, async (e) => {
    await link(join(h.root, fileOf(e, f)), join(h.side, `link-${h.next()}`));
    return fileOf(e, f);
  }))),

  // Rewritten in place (same inode, new bytes): a new expiry, maybe a longer header, and
  // maybe the old mtime put back (as rsync --inplace -t does). Vary indexes too.
  headerInPlace: cmd(fc.record({ n: nat, grow: fc.boolean(), keepMtime: fc.boolean(), days: fc.integer({ min: -30, max: 30 }) }), ({ n, grow, keepMtime, days }) => new Cmd(
    `headerInPlace(header#${n}, expire ${days}d${grow ? ', grown' : ''}${keepMtime ? ', mtime kept' : ''})`, async (h) => {
      const v = await viewTree(h.root);
      const rel = pick([...v.entries.map((e) => e.header), ...v.varyIndexes].sort(), n);
      if (!rel) return SKIPPED;
      const p = join(h.root, rel);
      const st = await lstat(p);
      let b = await readNoAtime(p, Math.max(1, st.size));
      const expire = BigInt(us(h.now + days * DAY));
      const parsed = await parseAt(p);
      if (parsed.kind === 'vary') b.writeBigInt64LE(expire, 4);
      else if (parsed.kind === 'entry') {
        b.writeBigInt64LE(expire, 32);
        if (grow) { const at = 120 + parsed.nameLen; b = Buffer.concat([b.subarray(0, at), Buffer.from('X-Cache-Note: rewritten\r\n'), b.subarray(at)]); }
      } else return 'skipped (unparsable)';
      await writeFile(p, b);
      if (keepMtime) await utimes(p, st.atimeMs / 1000, st.mtimeMs / 1000);
      return rel;
    })),

  // Cut short in place (same inode, same directory): a half-written restore, a full disk.
  truncateBody: cmd(fc.record({ n: nat, keep: fc.integer({ min: 0, max: 95 }) }), ({ n, keep }) => new Cmd(`truncateBody(body#${n}, to ${keep}%)`, async (h) => {
    const e = pick((await viewTree(h.root)).entries.filter((x) => x.data), n);
    if (!e?.data) return SKIPPED;
    const st = await lstat(join(h.root, e.data));
    await truncate(join(h.root, e.data), Math.floor((st.size * keep) / 100));
    return e.data;
  })),

  // Same size, new inode (renamed into place): httpd no longer serves it (inode mismatch).
  replaceBody: cmd(fc.record({ n: nat, keepTimes: fc.boolean() }), ({ n, keepTimes }) => new Cmd(`replaceBodySameSize(body#${n}${keepTimes ? ', times kept' : ''})`, async (h) => {
    const e = pick((await viewTree(h.root)).entries.filter((x) => x.data), n);
    if (!e?.data) return SKIPPED;
    const p = join(h.root, e.data);
    const st = await lstat(p);
    const tmp = join(h.root, h.tmpName());
    await writeFile(tmp, Buffer.alloc(st.size, 0x5a));
    if (keepTimes) await utimes(tmp, st.atimeMs / 1000, st.mtimeMs / 1000);
    await rename(tmp, p);
    return e.data;
  })),

  // Deleted, then stored again under the same name (ext4 may even hand back the same inodes).
  recreate: cmd(fc.record({ n: nat, keepTimes: fc.boolean() }), ({ n, keepTimes }) => new Cmd(`deleteAndRecreate(entry#${n}${keepTimes ? ', times kept' : ''})`, (h) => withEntry(h, n, async (e) => {
    const hs = await lstat(join(h.root, e.header));
    const ds = e.data ? await lstat(join(h.root, e.data)) : null;
    await unlink(join(h.root, e.header));
    if (e.data) await unlink(join(h.root, e.data));
    const stem = e.header.replace(/\.header$/, '');
    await httpdStore(h.root, { key: e.key, stem, body: ds?.size ?? 0, now: Date.now(), vary: e.variant }, h.tmpName);
    if (keepTimes) {
      await utimes(join(h.root, e.header), hs.atimeMs / 1000, hs.mtimeMs / 1000);
      if (ds && ds.size > 0) await utimes(join(h.root, `${stem}.data`), ds.atimeMs / 1000, ds.mtimeMs / 1000);
    }
    return e.header;
  }))),

  // A directory swapped: for a new one holding the same files (new inode, old times put
  // back), for a regular file, or for a symlink to where it went (outside the root: prune
  // must not follow it).
  replaceDir: cmd(fc.record({ n: nat, how: fc.constantFrom('rename', 'file', 'symlink') }), ({ n, how }) => new Cmd(`replaceDir(dir#${n} by ${how})`, async (h) => {
    const rel = pick((await viewTree(h.root)).dirs, n);
    if (!rel) return SKIPPED;
    const p = join(h.root, rel);
    const st = await lstat(p);
    const away = join(h.side, `${how}-${h.next()}`);
    await rename(p, away);
    if (how === 'rename') {
      // A new directory (new inode) holding the very same files, with the old times put back.
      await mkdir(p, { mode: st.mode & 0o7777 });
      for (const name of await readdir(away)) await rename(join(away, name), join(p, name));
      await utimes(p, st.atimeMs / 1000, st.mtimeMs / 1000);
    } else if (how === 'file') {
      await writeFile(p, 'not a directory\n');
    } else {
      await symlink(away, p);
    }
    return rel;
  })),

  // A backup of a directory with `cp -a`, kept outside the root for restoreWithCpA.
  backup: cmd(nat, (n) => new Cmd(`backupWithCpA(dir#${n})`, async (h) => {
    const rel = pick((await viewTree(h.root)).dirs, n);
    return rel ? `${rel} → ${await h.backup(rel)}` : SKIPPED;
  })),

  // `cp -a backup/. cache/DIR` over the live tree: existing files are rewritten in place,
  // with the backup's modes and times. Without a backup yet, one of DIR taken just now
  // (content and times then end up as they were: only ctimes move).
  restore: cmd(nat, (n) => new Cmd(`restoreWithCpA(backup#${n})`, async (h) => {
    let b = pick(h.backups, n);
    if (!b) {
      const rel = pick((await viewTree(h.root)).dirs, n);
      if (!rel) return SKIPPED;
      await h.backup(rel);
      b = h.backups[0];
    }
    if (!(await realDirsOrMissing(h.root, b.rel))) return `skipped: ${b.rel} is not a directory`;
    await mkdir(dirname(join(h.root, b.rel)), { recursive: true, mode: 0o700 });
    await cpA(join(h.side, b.name), join(h.root, b.rel));
    return `${b.name} → ${b.rel}`;
  })),

  // httpd streams a body into aptmpXXXXXX; a killed child leaves it behind, maybe old.
  tempAppear: cmd(fc.record({ size: fc.integer({ min: 1, max: 4000 }), ageH: fc.integer({ min: 0, max: 12 }) }), ({ size, ageH }) => new Cmd(`tempAppear(${size} B, mtime ${ageH}h ago)`, async (h) => {
    const p = await writeTemp(h.root, h.tmpName().slice(5), size, h.now - ageH * HOUR);
    return p.slice(h.root.length + 1);
  })),

  // A slow download still being written: the temp file grows in place (mtime now).
  tempGrow: cmd(fc.record({ n: nat, bytes: fc.integer({ min: 1, max: 4000 }) }), ({ n, bytes }) => new Cmd(`tempGrow(temp#${n}, +${bytes} B)`, async (h) => {
    const t = pick((await viewTree(h.root)).temps, n);
    if (!t) return SKIPPED;
    await appendFile(join(h.root, t), Buffer.alloc(bytes, 1));
    return t;
  })),

  // Another variant of a Vary group (Accept-Encoding: gzip, br, none...): its pair under
  // X.header.vary/, then the index rewritten (new expiry).
  varyAdd: cmd(fc.record({ n: nat, value: fc.constantFrom('gzip', 'identity', 'br', 'zstd', null), body: fc.integer({ min: 0, max: 3000 }) }), ({ n, value, body }) => new Cmd(
    `varyAdd(group#${n}, Accept-Encoding: ${value ?? '(none)'}, ${body} B)`, async (h) => {
      const rel = pick((await viewTree(h.root)).varyIndexes, n);
      const key = rel && VARY_KEYS.find((k) => `${stemOf(k)}.header` === rel);
      if (!rel || !key) return SKIPPED;
      const stem = await storeVariant(h.root, rel, key, value, body, Date.now(), h.tmpName);
      return stem ? `${stem}.header` : 'skipped (not a directory)';
    })),

  // One variant removed by httpd; the last one takes its .vary directory with it.
  varyRemove: cmd(nat, (n) => new Cmd(`varyRemove(variant#${n})`, async (h) => {
    const e = pick((await viewTree(h.root)).entries.filter((x) => x.variant), n);
    if (!e) return SKIPPED;
    await unlink(join(h.root, e.header));
    if (e.data) await unlink(join(h.root, e.data));
    await rmdirUp(h.root, dirname(e.header));
    return e.header;
  })),

  // Only meaningful without root: root reads a mode 000 directory anyway (no EACCES).
  unreadable: cmd(nat, (n) => new Cmd(`chmod000(dir#${n})`, async (h) => {
    const rel = pick((await viewTree(h.root)).dirs, n);
    if (!rel) return SKIPPED;
    h.noteLocked(join(h.root, rel));
    await chmod(join(h.root, rel), 0);
    return rel;
  }, () => !IS_ROOT)),

  // Requests in the access log (only with a log): for cached URLs or not, 200/304/404, up
  // to 3 days back, maybe a line that is not one.
  logAppend: cmd(fc.record({
    lines: fc.array(fc.record({ n: nat, agoH: fc.integer({ min: 0, max: 72 }), status: fc.constantFrom(200, 200, 304, 404) }), { minLength: 1, maxLength: 4 }),
    junk: fc.boolean(),
  }), ({ lines, junk }) => new Cmd(`logAppend(${lines.map((l) => `entry#${l.n} ${l.agoH}h ago ${l.status}`).join('; ')}${junk ? '; junk' : ''})`, async (h) => {
    const entries = (await viewTree(h.root)).entries;
    let text = '';
    for (const l of lines) text += logLine(pick(entries, l.n)?.key ?? PLAIN_KEYS[l.n % PLAIN_KEYS.length], h.now - l.agoH * HOUR, l.status);
    if (junk) text += 'this is not a log line\n';
    await appendFile(join(h.logs, 'access_log'), text);
    return text.trim().split('\n').map((l) => l.replace(/^.*\[(.*)\] "GET (\S+).*" (\d+).*$/, '$2 at $1 ($3)')).join('; ');
  }, (m) => m.useLog)),

  // logrotate: move + create, gzip of the last rotated file, or copytruncate.
  logRotate: cmd(fc.constantFrom('move', 'gzip', 'copytruncate'), (how) => new Cmd(`logRotate(${how})`, async (h) => {
    const live = join(h.logs, 'access_log');
    const rotated = (await readdir(h.logs)).filter((x) => /^access_log\.\d+(\.gz)?$/.test(x));
    if (how === 'gzip') {
      const plain = rotated.filter((x) => !x.endsWith('.gz')).sort()[0];
      if (!plain) return 'skipped (no rotated plain log)';
      await writeFile(join(h.logs, `${plain}.gz`), gzipSync(await readFile(join(h.logs, plain))));
      await unlink(join(h.logs, plain));
      return `${plain} → ${plain}.gz`;
    }
    const num = (x: string) => Number(x.split('.')[1]);
    for (const x of rotated.sort((p, q) => num(q) - num(p))) await rename(join(h.logs, x), join(h.logs, x.replace(/\.\d+/, `.${num(x) + 1}`)));
    if (how === 'move') {
      await rename(live, `${live}.1`);
      await writeFile(live, '');
    } else {
      await writeFile(`${live}.1`, await readFile(live));
      await truncate(live, 0);
    }
    return `access_log → access_log.1 (${how})`;
  }, (m) => m.useLog)),

  // The equivalence check (checks.ts), mid-history: later commands then meet the index it saved.
  run: cmd(fc.record({ usage, fraction: fc.constantFrom(0, 0.3, 0.5, 0.7), expiredFirst: fc.boolean(), order }), (p) => new Cmd(
    `run(limit ${p.fraction} of ${p.usage}${p.expiredFirst ? ', expired first' : ''}, ${p.order})`, async (h) => `equal (cache ${await checkEquivalence(h, p)} B)`)),

  // A real indexed prune (checks.ts): later commands meet the tree and the index it left.
  pruneForReal: cmd(fc.record({ usage, fraction: fc.constantFrom(0.3, 0.5, 0.7) }), (p) => new Cmd(
    `pruneForReal(limit ${p.fraction} of ${p.usage})`, (h) => pruneForReal(h, p))),
};
export type CommandName = keyof typeof COMMANDS;

/**
 * The arbitraries fc.commands draws from. CACHECTL_FUZZ_SKIP=chmod,setTimes leaves kinds
 * out (to look past a known divergence); CACHECTL_FUZZ_ONLY=... keeps only those. run
 * always stays; pruneForReal stays unless skipped.
 */
export function commandArbitraries(): fc.Arbitrary<Cmd>[] {
  const list = (v: string | undefined) => new Set((v ?? '').split(',').filter(Boolean));
  const skip = list(process.env.CACHECTL_FUZZ_SKIP);
  const only = list(process.env.CACHECTL_FUZZ_ONLY);
  for (const n of [...skip, ...only]) if (!(n in COMMANDS)) throw new Error(`unknown command ${n} (one of ${Object.keys(COMMANDS).join(', ')})`);
  return Object.entries(COMMANDS)
    .filter(([name]) => name === 'run' || (!skip.has(name) && (only.size === 0 || only.has(name) || name === 'pruneForReal')))
    .map(([, c]) => (c.params as fc.Arbitrary<unknown>).map((p) => (c.make as (x: unknown) => Cmd)(p)));
}
