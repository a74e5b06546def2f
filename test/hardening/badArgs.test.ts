import { beforeAll, describe, expect, test } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { runCachectl } from '../helpers/cli.js';

/** DIR is a real, empty, acceptable cache root; FILE a plain file. */
let DIR = '';
let FILE = '';
beforeAll(() => {
  DIR = mkdtempSync(join(tmpdir(), 'cachectl-args-'));
  FILE = join(DIR, 'plain-file');
  writeFileSync(FILE, 'x');
});
afterAll(() => rmSync(DIR, { recursive: true, force: true }));

/** [argv, fragment of stderr]: every one must exit 2 and touch nothing. */
const CASES: [string[], string][] = [
  // The program
  [['frobnicate'], "unknown command 'frobnicate'"],
  [['--bogus'], "unknown option '--bogus'"],
  [['demo', '--bogus'], "unknown option '--bogus'"],
  // report
  [['report'], 'report needs a cache directory'],
  // A list option takes every name after it: the directory it took is named, with the fix.
  [['report', '--access-log', 'DIR/a.log', 'DIR'], 'as one of its values: put the directory before --access-log, or end its list with --'],
  [['prune', '-l', '1G', '--access-log', 'DIR/a.log', 'DIR'], 'prune needs a cache directory (argument or CACHECTL_PATH); --access-log took '],
  [['report', '--top', '0', 'DIR'], "invalid --top '0' (expected 1-10000)"],
  [['report', '--top', 'abc', 'DIR'], "invalid --top 'abc'"],
  [['report', '--top', '10001', 'DIR'], "invalid --top '10001'"],
  [['report', '--format', 'zip', 'DIR'], 'Allowed choices are auto, apache, files'],
  [['report', '--bogus', 'DIR'], "unknown option '--bogus'"],
  [['report', 'DIR', 'extra'], "too many arguments for 'report'"],
  [['report', '--no-drop-privileges=yes', 'DIR'], "unknown option '--no-drop-privileges=yes'"],
  [['report', 'DIR/nonexistent'], 'does not exist'],
  [['report', 'FILE'], 'is not a directory'],
  [['report', '/'], 'refusing to use / as a cache directory'],
  // prune
  [['prune', '--limit', '1G'], 'prune needs a cache directory (argument or CACHECTL_PATH)'],
  [['prune', 'DIR'], 'prune needs a target: --limit SIZE, --max-entries N or --min-free SIZE|PCT%'],
  [['prune', 'DIR', '--limit'], "option '-l, --limit <size>' argument missing"],
  [['prune', 'DIR', '--limit', '50X'], "invalid size '50X'"],
  // Paths named by options: checked before any work (#23)
  [['prune', 'DIR', '--limit', '1G', '--prom-file', 'DIR/nonexistent/cachectl.prom'], 'does not exist'],
  [['report', 'DIR', '--state-dir', 'FILE'], 'is not a directory'],
  [['list', 'DIR', '--access-log', 'DIR/nonexistent.log'], 'nonexistent.log does not exist'],
  [['prune', 'DIR', '--limit', '1.5.5G'], "invalid size '1.5.5G'"],
  [['prune', 'DIR', '--limit', '-1G'], "invalid size '-1G'"],
  [['prune', 'DIR', '--max-entries', '-1'], "invalid count '-1'"],
  [['prune', 'DIR', '--max-entries', '1e3'], "invalid count '1e3'"],
  [['prune', 'DIR', '--min-free', '101%'], "invalid percentage '101%' (expected 0-100%"],
  [['prune', 'DIR', '--min-free', '-5%'], "invalid size '-5%'"],
  [['prune', 'DIR', '-l', '1G', '--order', 'ctime'], 'Allowed choices are atime, mtime'],
  [['prune', 'DIR', '-l', '1G', '--usage', 'blocks'], 'Allowed choices are disk, apparent'],
  [['prune', 'DIR', '-l', '1G', '--keep-newer-than', 'yesterday'], "invalid duration 'yesterday'"],
  [['prune', 'DIR', '-l', '1G', '--temp-max-age', '-1h'], "invalid duration '-1h'"],
  [['prune', 'DIR', '-l', '1G', '--wait-lock', 'forever'], "invalid duration 'forever'"],
  [['prune', 'DIR', '-l', '1G', '--format', 'tar'], 'Allowed choices are auto, apache, files'],
  [['prune', 'DIR', '-l', '1G', '--dry-runn'], 'Did you mean --dry-run?'],
  [['prune', 'DIR', '-l', '1G', '--nice=3'], "unknown option '--nice=3'"],
  [['prune', 'DIR', 'DIR', '-l', '1G'], "too many arguments for 'prune'"],
  [['prune', '/etc', '-l', '1G'], 'refusing to use the system directory /etc'],
  // list
  [['list'], 'list needs a cache directory'],
  [['list', '--format', 'zip', 'DIR'], 'Allowed choices are auto, apache, files'],
  [['list', '--long', '--json', 'DIR'], "option '--long' cannot be used with option '--json'"],
  [['list', '--match', 'DIR'], 'list needs a cache directory'],
  [['list', '--bogus', 'DIR'], "unknown option '--bogus'"],
  [['list', 'DIR/nonexistent'], 'does not exist'],
  // delete
  [['delete'], "missing required argument 'dir'"],
  [['delete', 'DIR'], 'delete needs at least one URL or --match PATTERN'],
  [['delete', 'DIR', '--wait-lock', 'soon', 'http://x/'], "invalid duration 'soon'"],
  [['delete', 'DIR', '--bogus', 'http://x/'], "unknown option '--bogus'"],
  [['delete', 'DIR', '--match'], "option '--match <pattern>' argument missing"],
  [['delete', '/usr', 'http://x/'], 'refusing to use the system directory /usr'],
  // schedule
  [['schedule', 'DIR'], 'schedule needs --cron EXPR, --every AGE or --watch-free SIZE|PCT%'],
  [['schedule', 'DIR', '--every', '1h'], 'scheduled runs need a target'],
  [['schedule', '-l', '1G', '--every', '1h'], 'schedule needs a cache directory'],
  [['schedule', 'DIR', '-l', '1G', '--cron', '61 * * * *'], "invalid cron expression '61 * * * *'"],
  [['schedule', 'DIR', '-l', '1G', '--cron', 'every day'], "invalid cron expression 'every day'"],
  [['schedule', 'DIR', '-l', '1G', '--every', '0'], '--every must be at least 1s'],
  [['schedule', 'DIR', '-l', '1G', '--every', 'often'], "invalid duration 'often'"],
  [['schedule', 'DIR', '-l', '1G', '--every', '1h', '--log-format', 'xml'], 'Allowed choices are text, json'],
  [['schedule', 'DIR', '-l', '1G', '--every', '1h', '--watch-interval', 'never'], "invalid duration 'never'"],
  [['schedule', 'DIR', '--watch-free', '200%'], "invalid percentage '200%'"],
  [['schedule', 'DIR', '-l', '1G', '--every', '1h', '--prom-file'], "option '--prom-file <path>' argument missing"],
  [['schedule', 'DIR', '-l', '1G', '--every', '1h', '--config', 'DIR/nonexistent'], 'cannot read config file'],
  [['schedule', '/var', '-l', '1G', '--every', '1h'], 'refusing to use the system directory /var'],
  [['schedule', 'DIR', '-l', '1G', '--cron', '0 3 * * *', '--tz', 'Mars/Olympus'], "unknown time zone 'Mars/Olympus'"],
];

const fill = (a: string[]) => a.map((s) => s.replace(/^DIR/, DIR).replace(/^FILE$/, FILE));

describe.concurrent(`${CASES.length} invalid command lines: each exits 2 with a message that says what is wrong`, () => {
  test('the table is at least 40 long and covers every command', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(40);
    for (const c of ['report', 'prune', 'list', 'delete', 'schedule']) expect(CASES.some(([a]) => a[0] === c)).toBe(true);
  });

  test.each(CASES)('cachectl %j', async (args, fragment) => {
    // CACHECTL_PATH cleared: the cases without DIR must not pick one up from the environment.
    const r = await runCachectl(fill(args), { env: { CACHECTL_PATH: '', CACHECTL_CONFIG: '' }, timeoutMs: 20_000 });
    expect(r.stderr).toContain(fragment.replace(/^DIR/, DIR));
    expect(r.code).toBe(2);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  });
});
