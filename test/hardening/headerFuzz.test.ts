import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import type { Stats } from 'node:fs';
import { ENTRY_STRUCT_SIZE, MAX_KEY_LENGTH, parseHeader, parseHeaderBlocks, type ParsedHeader } from '../../src/core/format/header.js';
import { encodeEntryHeader, encodeVaryIndex } from '../../src/core/sample/encode.js';
import { classifyApacheDir, type ClassifyTotals } from '../../src/core/scan/classify.js';
import { UnitTable } from '../../src/core/table/table.js';
import { buildPlan } from '../../src/core/prune/plan.js';
import type { Snapshot } from '../../src/core/scan/scan.js';

/** Every case counts toward the total the issue asks for (>= 100k). */
let cases = 0;
const SEED = Number(process.env.CACHECTL_FUZZ_SEED ?? Date.now() % 2 ** 31);

/** A plain check: expect() costs too much in a loop of 100k (the fuzz must take seconds). */
function ok(cond: boolean, what: string, buf: Buffer): void {
  if (!cond) throw new Error(`${what} for header bytes ${buf.toString('hex').slice(0, 400)}`);
}

/** What must hold for any input: no throw, and nothing but 'bad' unless the bytes really fit. */
function checkParse(buf: Buffer): ParsedHeader {
  cases++;
  let full: ParsedHeader | undefined;
  for (const complete of [true, false]) {
    const h = parseHeader(buf, complete);
    if (h.kind === 'entry') {
      ok(buf.readUInt32LE(0) === 6, 'entry without format 6', buf);
      ok(h.nameLen > 0 && h.nameLen <= MAX_KEY_LENGTH, 'entry with an implausible name_len', buf);
      ok(buf.length >= ENTRY_STRUCT_SIZE + h.nameLen && h.key.length === h.nameLen, 'entry whose key is not all there', buf);
      ok([h.date, h.expire, h.requestTime, h.responseTime].every(Number.isSafeInteger), 'a time that is not a safe integer', buf);
      ok(typeof parseHeaderBlocks(buf, h.nameLen).response === 'object', 'header blocks', buf);
    } else if (h.kind === 'vary') {
      ok(buf.readUInt32LE(0) === 5 && buf.length >= 12, 'vary index without format 5 and 12 bytes', buf);
      ok(Number.isSafeInteger(h.expire) && h.names.every((n) => !n.includes('\r\n')), 'vary fields', buf);
    } else {
      ok(h.reason === 'short' || h.reason === 'format' || h.reason === 'key', 'unknown reason', buf);
      if (h.needBytes !== undefined) {
        ok(!complete && h.needBytes > buf.length && h.needBytes <= ENTRY_STRUCT_SIZE + MAX_KEY_LENGTH, 'needBytes', buf);
      }
    }
    full ??= h;
  }
  return full!;
}

const i64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
const u64 = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });
const validHeader = fc.record({
  key: fc.string({ minLength: 1, maxLength: 160, unit: 'binary' }).map((s) => s.replace(/[^\x00-\xff]/g, 'x') || 'k'),
  status: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
  date: i64, expire: i64, requestTime: i64, responseTime: i64,
  inode: u64, device: u64, hasBody: fc.boolean(), headerOnly: fc.boolean(),
  responseHeaders: fc.dictionary(fc.string({ minLength: 1, maxLength: 20 }), fc.string({ maxLength: 40 }), { maxKeys: 2 }),
}).map((f) => {
  // Times are written raw afterwards: the full int64 range, beyond what a number holds.
  const b = encodeEntryHeader({ ...f, date: 0, expire: 0, requestTime: 0, responseTime: 0 });
  [f.date, f.expire, f.requestTime, f.responseTime].forEach((t, i) => b.writeBigInt64LE(t, 24 + 8 * i));
  return b;
});
const validVary = fc.tuple(fc.integer(), fc.array(fc.string({ maxLength: 30 }), { maxLength: 5 })).map(([e, n]) => encodeVaryIndex(e, n));

/** The attacks of the issue: huge name_len, negative times, wrong format numbers, truncation, garbage, no CRLF. */
const mutation = fc.oneof(
  fc.record({ kind: fc.constant('nameLen' as const), v: fc.oneof(fc.constantFrom(0n, 1n, 2n ** 64n - 1n, 2n ** 63n, 2n ** 32n, BigInt(MAX_KEY_LENGTH) + 1n, BigInt(MAX_KEY_LENGTH)), u64) }),
  fc.record({ kind: fc.constant('negTime' as const), off: fc.constantFrom(24, 32, 40, 48), v: fc.bigInt({ min: -(2n ** 63n), max: -1n }) }),
  fc.record({ kind: fc.constant('format' as const), v: fc.oneof(fc.constantFrom(0, 1, 3, 4, 5, 7, 0xffffffff, 0x06000000), fc.nat()) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('garbage' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 64 }) }),
  fc.record({ kind: fc.constant('noCrlf' as const) }),
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never;

function mutate(src: Buffer, m: Mutation): Buffer {
  const b = Buffer.from(src);
  const at = (n: number) => (b.length === 0 ? 0 : n % b.length);
  switch (m.kind) {
    case 'nameLen': if (b.length >= 16) b.writeBigUInt64LE(m.v % 2n ** 64n, 8); return b;
    case 'negTime': if (b.length >= m.off + 8) b.writeBigInt64LE(m.v, m.off); return b;
    case 'format': if (b.length >= 4) b.writeUInt32LE(m.v >>> 0, 0); return b;
    case 'truncate': return b.subarray(0, at(m.at));
    case 'garbage': return Buffer.concat([b.subarray(0, at(m.at)), Buffer.from(m.bytes), b.subarray(at(m.at))]);
    case 'noCrlf': return Buffer.from(b.toString('latin1').replaceAll('\r\n', '\n'), 'latin1');
    case 'flip': if (b.length > 0) b[at(m.at)] ^= 1 << m.bit; return b;
  }
}

const params = (numRuns: number) => ({ numRuns, seed: SEED, endOnFailure: true });

describe(`header parser fuzz (seed ${SEED}; CACHECTL_FUZZ_SEED=${SEED} replays it)`, () => {
  test('binary garbage: never throws, never an entry unless the bytes fit', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 700 }), (a) => { checkParse(Buffer.from(a)); }), params(40_000));
  });

  test('garbage behind a real format number (6 or 5): still never throws, never a bogus entry', () => {
    fc.assert(fc.property(fc.constantFrom(5, 6), fc.uint8Array({ maxLength: 400 }), (f, a) => {
      const b = Buffer.concat([Buffer.alloc(4), Buffer.from(a)]);
      b.writeUInt32LE(f, 0);
      checkParse(b);
    }), params(20_000));
  });

  test('mutated real entry headers (1-3 mutations each)', () => {
    fc.assert(fc.property(validHeader, fc.array(mutation, { minLength: 1, maxLength: 3 }), (h, ms) => {
      checkParse(ms.reduce(mutate, h));
    }), params(40_000));
  });

  test('mutated vary indexes', () => {
    fc.assert(fc.property(validVary, fc.array(mutation, { minLength: 1, maxLength: 3 }), (h, ms) => {
      checkParse(ms.reduce(mutate, h));
    }), params(10_000));
  });

  test('the cases the issue names, exactly', () => {
    const base = encodeEntryHeader({ key: 'http://h:80/k?', date: 0, expire: 0, requestTime: 0, responseTime: 0, inode: 1n, device: 1n, hasBody: true });
    const withLen = (v: bigint) => { const b = Buffer.from(base); b.writeBigUInt64LE(v, 8); return b; };
    expect(checkParse(withLen(2n ** 64n - 1n))).toMatchObject({ kind: 'bad', reason: 'key' });
    expect(checkParse(withLen(2n ** 63n))).toMatchObject({ kind: 'bad', reason: 'key' });
    expect(parseHeader(withLen(BigInt(MAX_KEY_LENGTH)), false)).toMatchObject({ kind: 'bad', reason: 'short', needBytes: ENTRY_STRUCT_SIZE + MAX_KEY_LENGTH });
    const neg = Buffer.from(base); neg.writeBigInt64LE(-(2n ** 63n), 32);
    expect(checkParse(neg)).toMatchObject({ kind: 'entry', expire: Number.MIN_SAFE_INTEGER });
    for (const f of [0, 4, 7, 0xffffffff]) { const b = Buffer.from(base); b.writeUInt32LE(f, 0); expect(checkParse(b)).toMatchObject({ kind: 'bad', reason: 'format' }); }
    expect(checkParse(base.subarray(0, ENTRY_STRUCT_SIZE + 3))).toMatchObject({ kind: 'bad', reason: 'short' }); // truncated key
    expect(checkParse(Buffer.from(base.toString('latin1').replaceAll('\r\n', '\n'), 'latin1'))).toMatchObject({ kind: 'entry' }); // CRLF-less blocks
  });
});

// --- Classification: garbage alone never makes a file deletable ----------------------

const NOW = Date.UTC(2030, 0, 1);
const st = (mtimeMs: number, size: number, ino = 1000): Stats =>
  ({ isFile: () => true, isDirectory: () => false, size, blocks: Math.ceil(size / 512), mtimeMs, atimeMs: mtimeMs, ctimeMs: mtimeMs, ino, dev: 42 }) as unknown as Stats;

/** One directory holding `name` with `bytes` (and maybe a body), classified and planned. */
async function planFor(name: string, bytes: Buffer, ageMs: number, withData: boolean, pressure: boolean) {
  const table = new UnitTable(8);
  const totals: ClassifyTotals = { foreignFiles: 0, foreignBytes: 0, foreignDisk: 0, foreignSamples: [], headerErrors: [], vanished: 0 };
  const files = [{ name, stat: st(NOW - ageMs, bytes.length), header: { ok: true as const, header: parseHeader(bytes), bytes } }];
  if (withData) files.push({ name: name.replace(/\.header$/, '.data'), stat: st(NOW - ageMs, 5000, 77), header: undefined as never });
  classifyApacheDir({ rel: 'A/b', stat: null, files, subdirs: [], others: 0 }, table, totals);
  const snap = { table, startedAt: NOW } as unknown as Snapshot;
  const plan = await buildPlan(snap, {
    usage: 'apparent', order: 'atime', now: NOW, needBytes: pressure ? 1 : 0, needEntries: 0, needFree: 0,
    expiredFirst: true, keepNewerThan: 0, tempMaxAge: 6 * 3600e3, orphanMinAge: 3600e3, round: 0,
  });
  return { plan, table, totals };
}

describe('garbage alone never makes a file deletable', () => {
  const anyBytes = fc.oneof(fc.uint8Array({ maxLength: 500 }).map((a) => Buffer.from(a)), fc.tuple(validHeader, fc.array(mutation, { minLength: 1, maxLength: 3 })).map(([h, ms]) => ms.reduce(mutate, h)));

  test('a young header of any content, with no size pressure, is never planned', async () => {
    await fc.assert(fc.asyncProperty(anyBytes, fc.integer({ min: 0, max: 3600e3 - 1 }), fc.boolean(), async (bytes, age, withData) => {
      cases++;
      ok((await planFor('XyZ.header', bytes, age, withData, false)).plan.steps.length === 0, 'a young header was planned', bytes);
    }), params(3_000));
  });

  test('an old one is planned only as dead weight (unusable/orphan), never as a servable entry on its own say', async () => {
    await fc.assert(fc.asyncProperty(anyBytes, fc.integer({ min: 3600e3, max: 400 * 86400e3 }), fc.boolean(), async (bytes, age, withData) => {
      cases++;
      const { plan } = await planFor('XyZ.header', bytes, age, withData, false);
      ok(plan.steps.every((s) => s.reason === 'unusable' || s.reason === 'orphan'), 'planned as more than dead weight', bytes);
    }), params(3_000));
  });

  test('garbage in a file that is not named like a cache file is never even a unit', async () => {
    await fc.assert(fc.asyncProperty(anyBytes, fc.constantFrom('README', 'x.header.bak', '.htaccess', 'aptmp12345', 'X.hdr', 'Y.header~'), async (bytes, name) => {
      cases++;
      const { plan, table, totals } = await planFor(name, bytes, 400 * 86400e3, false, true);
      ok(plan.steps.length === 0 && table.length === 0 && totals.foreignFiles === 1, `${name} became a unit`, bytes);
    }), params(3_000));
  });

  test('total fuzz cases run (the issue asks for at least 100k)', () => {
    console.log(`header fuzz: ${cases} cases, seed ${SEED}`);
    expect(cases).toBeGreaterThanOrEqual(100_000);
  });
});
