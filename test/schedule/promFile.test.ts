import { describe, expect, test } from 'vitest';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readLastSuccess, renderPromText, writePromFile } from '../../src/core/metrics/promFile.js';
import { tempDir } from '../helpers/tmp.js';
import { fakeResult } from './fakes.js';

interface Sample { name: string; labels: Record<string, string>; value: number }
interface Parsed { help: Map<string, string>; type: Map<string, string>; samples: Sample[] }

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;
const VALUE = /^(?:NaN|[+-]Inf|[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)$/;

/**
 * A strict reader of the Prometheus text exposition format, as node_exporter's textfile
 * collector applies it: valid names, HELP and TYPE before a metric's samples, one group
 * of samples per metric, escaped label values, and no timestamps.
 */
function parseProm(text: string): Parsed {
  expect(text.endsWith('\n'), 'ends with a newline').toBe(true);
  const p: Parsed = { help: new Map(), type: new Map(), samples: [] };
  const done = new Set<string>();
  let current: string | null = null;
  for (const line of text.slice(0, -1).split('\n')) {
    const meta = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
    if (meta) {
      const [, kind, name, rest] = meta;
      expect(name, `metric name ${name}`).toMatch(new RegExp(`${NAME.source}$`));
      expect(p.samples.some((s) => s.name === name), `${kind} of ${name} before its samples`).toBe(false);
      if (kind === 'HELP') {
        expect(p.help.has(name), `one HELP for ${name}`).toBe(false);
        expect(rest).not.toMatch(/\\[^\\n]/);
        p.help.set(name, rest.replace(/\\n/g, '\n').replace(/\\\\/g, '\\'));
      } else {
        expect(p.type.has(name), `one TYPE for ${name}`).toBe(false);
        expect(rest).toMatch(/^(counter|gauge|histogram|summary|untyped)$/);
        p.type.set(name, rest);
      }
      continue;
    }
    expect(line.startsWith('#'), `unexpected comment: ${line}`).toBe(false);
    const s = parseSample(line);
    expect(p.help.has(s.name) && p.type.has(s.name), `HELP and TYPE for ${s.name}`).toBe(true);
    if (s.name !== current) {
      expect(done.has(s.name), `samples of ${s.name} are contiguous`).toBe(false);
      if (current) done.add(current);
      current = s.name;
    }
    p.samples.push(s);
  }
  return p;
}

function parseSample(line: string): Sample {
  const name = NAME.exec(line)?.[0];
  if (!name) throw new Error(`bad metric name in: ${line}`);
  let i = name.length;
  const labels: Record<string, string> = {};
  if (line[i] === '{') {
    i++;
    while (line[i] !== '}') {
      const ln = LABEL_NAME.exec(line.slice(i))?.[0];
      if (!ln || line[i + ln.length] !== '=' || line[i + ln.length + 1] !== '"') throw new Error(`bad label at ${i}: ${line}`);
      i += ln.length + 2;
      let v = '';
      for (;;) {
        const c = line[i++];
        if (c === undefined) throw new Error(`unterminated label value: ${line}`);
        if (c === '"') break;
        if (c === '\\') {
          const n = line[i++];
          if (n === 'n') v += '\n';
          else if (n === '\\' || n === '"') v += n;
          else throw new Error(`bad escape \\${n}: ${line}`);
        } else v += c;
      }
      labels[ln] = v;
      if (line[i] === ',') i++;
      else if (line[i] !== '}') throw new Error(`expected , or } at ${i}: ${line}`);
    }
    i++;
  }
  const rest = line.slice(i);
  // exactly one space and a value: a second field would be a timestamp
  expect(rest, `no timestamp: ${line}`).toMatch(/^ \S+$/);
  const value = rest.slice(1);
  expect(value).toMatch(VALUE);
  return { name, labels, value: Number(value) };
}

const NOW = Date.parse('2026-11-24T03:00:05Z');
const get = (p: Parsed, name: string, labels: Record<string, string> = {}) =>
  p.samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).map((s) => s.value);

describe('renderPromText', () => {
  test('every metric is well formed and says what the run did', () => {
    const p = parseProm(renderPromText(fakeResult({ root: '/var/cache/apache2/dist-files' }), { now: NOW }));
    expect([...p.type.values()].every((t) => t === 'gauge')).toBe(true);
    expect(get(p, 'cachectl_cache_bytes')).toEqual([49 * 2 ** 30]);
    expect(get(p, 'cachectl_cache_entries')).toEqual([1000]);
    expect(get(p, 'cachectl_limit_bytes')).toEqual([50 * 2 ** 30]);
    expect(get(p, 'cachectl_last_run_evicted_bytes', { reason: 'lru' })).toEqual([10 * 2 ** 30]);
    expect(get(p, 'cachectl_last_run_evicted_entries', { reason: 'expired' })).toEqual([20]);
    expect(p.samples.filter((s) => s.name === 'cachectl_last_run_evicted_bytes').map((s) => s.labels.reason)).toEqual(['temp', 'orphan', 'unusable', 'mismatch', 'retired', 'future', 'expired', 'lru']);
    expect(get(p, 'cachectl_last_run_duration_seconds')).toEqual([4.2]);
    expect(get(p, 'cachectl_tail_age_seconds')).toEqual([3 * 86400]);
    expect(get(p, 'cachectl_last_success_timestamp_seconds')).toEqual([NOW / 1000]);
    expect(get(p, 'cachectl_last_run_target_met')).toEqual([1]);
    expect(p.samples.every((s) => s.labels.root === '/var/cache/apache2/dist-files')).toBe(true);
    // targets that were not set are left out rather than exported as 0
    expect(p.type.has('cachectl_limit_entries')).toBe(false);
  });

  test('a failed run keeps the previous success time, or has none', () => {
    const failed = fakeResult({ errors: [{ path: 'a/b.data', code: 'EACCES' }] });
    const prev = NOW - 86400e3;
    expect(get(parseProm(renderPromText(failed, { now: NOW, previousSuccess: prev })), 'cachectl_last_success_timestamp_seconds')).toEqual([prev / 1000]);
    const p = parseProm(renderPromText(fakeResult({ interrupted: true, tailAgeMs: null }), { now: NOW }));
    expect(p.type.has('cachectl_last_success_timestamp_seconds')).toBe(false);
    expect(p.type.has('cachectl_tail_age_seconds')).toBe(false);
    expect(get(p, 'cachectl_last_run_errors')).toEqual([0]);
  });

  test('label values are escaped (backslash, quote, newline) and read back intact', () => {
    const root = '/srv/ca"che\\dir\nwith } and , and =';
    const p = parseProm(renderPromText(fakeResult({ root }), { now: NOW }));
    expect(p.samples.length).toBeGreaterThan(10);
    expect(p.samples.every((s) => s.labels.root === root)).toBe(true);
  });
});

describe('writePromFile', () => {
  test('writes atomically through a temp file that node_exporter ignores, and replaces the old file', async () => {
    const dir = await tempDir();
    const path = join(dir, 'cachectl.prom');
    await writeFile(path, 'old\n');
    const text = renderPromText(fakeResult(), { now: NOW });
    await writePromFile(path, text);
    expect(await readFile(path, 'utf8')).toBe(text);
    expect(await readdir(dir)).toEqual(['cachectl.prom']);
    expect(await readLastSuccess(path)).toBe(NOW);
  });

  test('a failed write leaves no temp file behind and reports the error', async () => {
    const dir = await tempDir();
    await expect(writePromFile(join(dir, 'missing', 'x.prom'), 'x 1\n')).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await readdir(dir)).toEqual([]);
    expect(await readLastSuccess(join(dir, 'missing', 'x.prom'))).toBeNull();
  });
});
