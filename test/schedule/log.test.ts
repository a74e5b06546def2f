import { describe, expect, test } from 'vitest';
import { lineLog } from '../../src/core/schedule/lineLog.js';
import { runLine } from '../../src/core/schedule/runLine.js';
import { readEnvFile, withoutOffFlags } from '../../src/core/schedule/envFile.js';
import { UsageError } from '../../src/core/errors.js';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDir } from '../helpers/tmp.js';
import { fakeResult } from './fakes.js';

const START = Date.parse('2026-11-24T03:00:00Z');
const info = { reason: 'cron' as const, startedAt: START, endedAt: START + 4200, nextRunAt: START + 86400e3 };

describe('the run line', () => {
  test('text: start, end, what was removed, duration, tail age and next run on one line', () => {
    const lines: string[] = [];
    const log = lineLog((l) => lines.push(l), { format: 'text', now: () => info.endedAt });
    const { msg, fields } = runLine(fakeResult(), info);
    log.info(msg, fields);
    expect(lines).toEqual([
      '2026-11-24T03:00:04.200Z run (cron) done: removed 200 entries, 11.0 GiB in 4.2s; cache 49.0 GiB of 50.0 GiB, 1000 entries;'
      + ' tail age 3d; started 2026-11-24T03:00:00.000Z; next 2026-11-25T03:00:00.000Z\n',
    ]);
  });

  test('json: one object per line with the same facts as fields', () => {
    const lines: string[] = [];
    const log = lineLog((l) => lines.push(l), { format: 'json', now: () => info.endedAt });
    const { msg, fields } = runLine(fakeResult({ interrupted: true }), info);
    log.info(msg, fields);
    log.warn('careful\nnow');
    const [run, warn] = lines.map((l) => JSON.parse(l));
    expect(run).toMatchObject({
      time: '2026-11-24T03:00:04.200Z', level: 'info', event: 'run', reason: 'cron',
      start: '2026-11-24T03:00:00.000Z', end: '2026-11-24T03:00:04.200Z', durationMs: 4200,
      removedBytes: 11 * 2 ** 30, removedEntries: 200, tailAgeMs: 3 * 86400e3, next: '2026-11-25T03:00:00.000Z', interrupted: true,
    });
    expect(run.msg).toMatch(/^run \(cron\) interrupted: /);
    expect(warn).toMatchObject({ level: 'warn', msg: 'careful\nnow' });
    expect(lines.every((l) => l.endsWith('\n') && l.indexOf('\n') === l.length - 1)).toBe(true);
  });

  test('the format can be switched while running (SIGHUP), and text stays one line', () => {
    const lines: string[] = [];
    const log = lineLog((l) => lines.push(l), { format: 'json', now: () => START });
    log.format = 'text';
    log.warn('two\nlines');
    expect(lines).toEqual(['2026-11-24T03:00:00.000Z warning: two lines\n']);
  });
});

describe('config file and boolean variables', () => {
  test('reads KEY=VALUE files as systemd and OpenRC write them', async () => {
    const path = join(await tempDir(), 'cachectl');
    await writeFile(path, '# comment\nCACHECTL_LIMIT=50G\nCACHECTL_CRON="0 3 * * *"\nexport CACHECTL_TZ=\'Europe/Berlin\'\nrc_need=""\n');
    expect(await readEnvFile(path)).toEqual({ CACHECTL_LIMIT: '50G', CACHECTL_CRON: '0 3 * * *', CACHECTL_TZ: 'Europe/Berlin', rc_need: '' });
    await expect(readEnvFile(path + '.missing')).rejects.toBeInstanceOf(UsageError);
    expect(await readEnvFile(`-${path}.missing`)).toEqual({}); // systemd's optional-file syntax
    expect(await readEnvFile(`-${path}`)).toMatchObject({ CACHECTL_LIMIT: '50G' });
  });

  test('empty, 0, false, no and off turn a flag off; anything else leaves it on', () => {
    const env = { A: '', B: '0', C: 'False', D: 'no', E: ' off ', F: '1', G: 'yes', H: 'x', OTHER: '' };
    expect(withoutOffFlags(env, ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'MISSING'])).toEqual({ F: '1', G: 'yes', H: 'x', OTHER: '' });
  });
});
