import type { DoctorResult, Check } from '../../api/doctor.js';
import type { CliContext } from '../context.js';
import { colors, escapeControlChars } from './style.js';

/**
 * The human checklist: one line per check (status, id, sentence), its fix and details
 * indented below; per-cache checks grouped under their cache; a count at the end. Every
 * piece of text that comes from the machine's files is escaped (one finding, one line).
 */
export function doctorText(ctx: CliContext, r: DoctorResult): string {
  const c = colors(ctx, 'out');
  const e = escapeControlChars;
  const width = Math.max(...r.checks.map((x) => x.id.length));
  const badge = (x: Check) => (x.status === 'ok' ? c.green('ok  ') : x.status === 'warn' ? c.yellow('warn') : c.bold(c.red('FAIL')));
  const pad = ' '.repeat(2 + 4 + 2 + width + 2);
  const lines: string[] = [];
  const h = r.httpd;
  if (h.mainFile) {
    const defs = h.defines.length ? `; -D ${h.defines.map(e).join(' -D ')}${h.definesFrom ? ` from ${e(h.definesFrom)}` : ''}` : '';
    lines.push(c.bold(`httpd: ${e(h.mainFile)}`) + c.dim(` (${h.files.length} file${h.files.length === 1 ? '' : 's'} read${h.serverRoot ? `, ServerRoot ${e(h.serverRoot)}` : ''}${defs})`));
  }
  let group: string | undefined;
  for (const x of r.checks) {
    if (x.cache !== group) {
      group = x.cache;
      lines.push(group === undefined ? '' : `\n${c.bold(`cache ${e(group)}`)}`);
    }
    lines.push(`  ${badge(x)}  ${x.id.padEnd(width)}  ${e(x.message)}`);
    if (x.fix) lines.push(`${pad}${c.cyan('fix:')} ${e(x.fix)}`);
    for (const d of x.details ?? []) lines.push(`${pad}${c.dim('- ' + e(d))}`);
  }
  const n = (s: Check['status']) => r.checks.filter((x) => x.status === s).length;
  const plural = (k: number, one: string, many: string) => `${k} ${k === 1 ? one : many}`;
  lines.push('', `${plural(n('ok'), 'ok', 'ok')}, ${plural(n('warn'), 'warning', 'warnings')}, ${plural(n('fail'), 'failure', 'failures')}`);
  return lines.join('\n').replace(/^\n+/, '') + '\n';
}
