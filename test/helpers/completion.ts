import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runProcess } from './cli.js';
import { tempDir } from './tmp.js';

/**
 * Completes each command line with a bash completion script as bash itself would:
 * the script is sourced, `complete -p cachectl` names the function it registered, and
 * that function runs with COMP_WORDS/COMP_CWORD set (words as bash splits them: a
 * `--opt=value` is `--opt`, `=`, `value`). Returns each line's candidates, sorted.
 */
export async function bashComplete(script: string, lines: ReadonlyArray<readonly string[]>, cwd: string): Promise<string[][]> {
  const dir = await tempDir('cachectl-complete-');
  await writeFile(join(dir, 'completion.bash'), script);
  const driver = `set -u
source ${JSON.stringify(join(dir, 'completion.bash'))}
spec=$(complete -p cachectl) || { echo "no completion registered for cachectl" >&2; exit 3; }
fn=$(sed -n 's/.*-F \\([^ ]*\\).*/\\1/p' <<<"$spec")
while IFS= read -r line; do
	eval "COMP_WORDS=($line)"
	COMP_CWORD=$((\${#COMP_WORDS[@]} - 1))
	COMP_LINE="\${COMP_WORDS[*]}"
	COMP_POINT=\${#COMP_LINE}
	COMPREPLY=()
	"$fn" cachectl "\${COMP_WORDS[COMP_CWORD]}" "\${COMP_WORDS[COMP_CWORD-1]}"
	printf '%s\\n' "$(printf '%s\\t' \${COMPREPLY[@]+"\${COMPREPLY[@]}"})"
done`;
  const input = lines.map((words) => words.map((w) => `'${w.replace(/'/g, `'\\''`)}'`).join(' ')).join('\n') + '\n';
  const r = await runProcess('bash', ['--norc', '--noprofile', '-c', driver], { input, cwd });
  if (r.code !== 0) throw new Error(`bash exited ${r.code}: ${r.stderr}`);
  return r.stdout.split('\n').slice(0, lines.length).map((l) => l.split('\t').filter(Boolean).sort());
}

/** The lines and what each must complete to, shared by the repo's and the installed package's tests. */
export const BASH_CASES: ReadonlyArray<readonly [readonly string[], readonly string[]]> = [
  [['cachectl', ''], ['compat', 'completion', 'delete', 'demo', 'doctor', 'help', 'htcacheclean', 'list', 'prune', 'report', 'schedule', 'sizing', 'version']],
  [['cachectl', 'pr'], ['prune']],
  [['cachectl', '--ver'], ['--version']],
  [['cachectl', 'prune', '--us'], ['--usage']],
  // choices, as a separate word and after "="
  [['cachectl', 'prune', '--usage', ''], ['apparent', 'disk']],
  [['cachectl', 'prune', '--usage', '=', 'ap'], ['apparent']],
  [['cachectl', 'schedule', '-l', '50G', '--log-format', ''], ['json', 'text']],
  [['cachectl', 'report', '--format', ''], ['apache', 'auto', 'files']],
  [['cachectl', 'completion', ''], ['bash', 'fish', 'zsh']],
  // directory arguments and options complete directories only; file options files too
  [['cachectl', 'prune', 'ca'], ['cache-a', 'cache-b']],
  [['cachectl', 'prune', '--limit', '50G', 'cache-'], ['cache-a', 'cache-b']],
  [['cachectl', 'report', '--state-dir', 'c'], ['cache-a', 'cache-b']],
  [['cachectl', 'prune', '--prom-file', 'c'], ['cache-a', 'cache-b', 'cache.prom']],
  [['cachectl', 'delete', 'cache-a', 'x'], []],
  // a value is not taken for the command's argument
  [['cachectl', 'prune', '--state-dir', 'cache-a', '--dry'], ['--dry-run']],
  // nested commands
  [['cachectl', 'compat', ''], ['help', 'install', 'status', 'uninstall']],
  [['cachectl', 'compat', 'install', '--'], ['--dir', '--help']],
  [['cachectl', 'compat', 'install', '--dir', 'cache-'], ['cache-a', 'cache-b']],
  [['cachectl', 'help', 'sch'], ['schedule']],
  // the htcacheclean front end's own grammar
  [['cachectl', 'htcacheclean', '-p', 'cache-'], ['cache-a', 'cache-b']],
];

/** A directory for the cases above: two directories and a file. */
export async function completionCwd(): Promise<string> {
  const cwd = await tempDir('cachectl-cwd-');
  const { mkdir } = await import('node:fs/promises');
  await mkdir(join(cwd, 'cache-a'));
  await mkdir(join(cwd, 'cache-b'));
  await writeFile(join(cwd, 'cache.prom'), '');
  return cwd;
}
