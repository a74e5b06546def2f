import { describe, expect, test } from 'vitest';
import { runCachectl, runProcess } from '../helpers/cli.js';
import { BASH_CASES, bashComplete, completionCwd } from '../helpers/completion.js';
import { which } from '../helpers/tools.js';
import { tempDir } from '../helpers/tmp.js';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** CI installs zsh and fish (.ci/run); elsewhere their checks skip with the reason. */
const REQUIRE = process.env.CI === 'true';

describe('cachectl completion bash|zsh|fish', () => {
  test('bash: commands, options, choices, directories and files, as bash completes them', async () => {
    const r = await runCachectl(['completion', 'bash']);
    expect([r.code, r.stderr]).toEqual([0, '']);
    const got = await bashComplete(r.stdout, BASH_CASES.map(([words]) => words), await completionCwd());
    expect(BASH_CASES.map(([words], i) => [words.join(' '), got[i]])).toEqual(BASH_CASES.map(([words, want]) => [words.join(' '), [...want].sort()]));
  });

  test('bash: every option of every command is offered after "-"', async () => {
    const script = (await runCachectl(['completion', 'bash'])).stdout;
    const help = (await runCachectl(['schedule', '--help'])).stdout;
    const flags = [...new Set(help.match(/(?<=^ {2}|, )--?[a-zA-Z][\w-]*/gm))];
    const [offered] = await bashComplete(script, [['cachectl', 'schedule', '-']], await completionCwd());
    expect(flags.length).toBeGreaterThan(20);
    for (const f of flags) expect(offered, f).toContain(f);
  });

  test('a bad shell is a usage error (exit 2) that names the choices', async () => {
    const r = await runCachectl(['completion', 'tcsh']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Allowed choices are bash, zsh, fish/);
    expect(r.stdout).toBe('');
  });

  const zsh = which('zsh');
  test.skipIf(!zsh && !REQUIRE)(`zsh: the script parses (zsh -n)${zsh ? '' : ' (skipped: zsh not installed)'}`, async () => {
    const r = await runCachectl(['completion', 'zsh']);
    expect(r.stdout.startsWith('#compdef cachectl\n')).toBe(true);
    const z = await runProcess('zsh', ['-n'], { input: r.stdout });
    expect([z.code, z.stderr]).toEqual([0, '']);
  });

  const fish = which('fish');
  test.skipIf(!fish && !REQUIRE)(`fish: the script parses, and fish completes commands, choices and directories with it${fish ? '' : ' (skipped: fish not installed)'}`, async () => {
    const script = (await runCachectl(['completion', 'fish'])).stdout;
    const cwd = await completionCwd();
    const file = join(await tempDir(), 'cachectl.fish');
    await writeFile(file, script);
    const complete = async (line: string) => {
      const f = await runProcess('fish', ['--no-config', '-c', `source ${file}; complete -C ${JSON.stringify(line)}`], { cwd });
      expect(f.stderr).toBe('');
      return f.stdout.split('\n').filter(Boolean).map((l) => l.split('\t')[0]).sort();
    };
    expect(await complete('cachectl pr')).toEqual(['prune']);
    expect(await complete('cachectl prune --usage ')).toEqual(['apparent', 'disk']);
    expect(await complete('cachectl compat ')).toEqual(['help', 'install', 'status', 'uninstall']);
    expect(await complete('cachectl prune ca')).toEqual(['cache-a/', 'cache-b/']);
  });
});
